import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { tablesContaining } from '../../support/find-text.js';
import { createWorkspace, updateWorkspace } from '../../../storage/workspace-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { STORE_TABLES } from '../../../core/store-tables.js';
import { countStoreRows } from '../../../storage/store-reader.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage();
});
afterAll(async () => storage.destroy());

describe('storage switched off', () => {
  it('drops writes to every table, reports them as not stored, and leaves no personal data anywhere', async () => {
    const ws = await createWorkspace(storage, { name: 'No storage', storageEnabled: false });
    const email = 'zoe.storage-off@example.org';
    for (const table of STORE_TABLES) {
      const result = await writeStoreRow(storage, ws.id, {
        table,
        moduleId: 'email-capture',
        defaultRetentionDays: 30,
        data: { note: `plain ${email}` },
        personal: { email },
        subject: email,
      });
      expect(result).toEqual({ stored: false, reason: 'storage_disabled' });
    }
    expect(Object.values(await countStoreRows(storage, ws.id)).every((n) => n === 0)).toBe(true);
    expect(await tablesContaining(storage.db, email)).toEqual([]);
    expect(await tablesContaining(storage.db, 'zoe.storage-off')).toEqual([]);
  });

  it('stores again once switched back on', async () => {
    const ws = await createWorkspace(storage, { name: 'Toggled', storageEnabled: false });
    await updateWorkspace(storage, ws.id, { storageEnabled: true });
    const result = await writeStoreRow(storage, ws.id, { table: 'consents', moduleId: 'consent', defaultRetentionDays: 30, data: { is_optin: 1 } });
    expect(result.stored).toBe(true);
  });
});
