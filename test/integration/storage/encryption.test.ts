import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { tablesContaining } from '../../support/find-text.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { findSubjectRows, getStoreRow, listStoreRows } from '../../../storage/store-reader.js';
import { ParleyError } from '../../../core/errors.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage();
});
afterAll(async () => storage.destroy());

describe('encryption at rest', () => {
  it('stores personal values encrypted and subjects only as keyed hashes', async () => {
    const ws = await createWorkspace(storage, { name: 'Crypto' });
    const email = 'bob.cipher@example.org';
    const result = await writeStoreRow(storage, ws.id, {
      table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 60,
      personal: { email, firstName: 'Bobby' }, subject: email,
    });
    if (!result.stored) throw new Error('not stored');
    const raw = await sql<{ personal: Buffer; subject_hash: Buffer }>`select personal, subject_hash from store_participations where id = ${result.id}`.execute(storage.db);
    const { personal, subject_hash } = raw.rows[0]!;
    expect(personal.includes(Buffer.from(email))).toBe(false);
    expect(personal.includes(Buffer.from('Bobby'))).toBe(false);
    expect(subject_hash).toHaveLength(32);
    expect(await tablesContaining(storage.db, 'bob.cipher')).toEqual([]);
    expect((await getStoreRow(storage, ws.id, 'participations', result.id))?.personal).toEqual({ email, firstName: 'Bobby' });
  });

  it('after crypto-shredding, reads fail with data_key_destroyed, never garbage', async () => {
    const ws = await createWorkspace(storage, { name: 'Shredded' });
    const result = await writeStoreRow(storage, ws.id, { table: 'consents', moduleId: 'consent', defaultRetentionDays: 60, personal: { email: 'c@example.org' }, subject: 'c@example.org' });
    if (!result.stored) throw new Error('not stored');
    await storage.keyring.destroyKey(ws.id);
    for (const read of [
      () => getStoreRow(storage, ws.id, 'consents', result.id),
      () => listStoreRows(storage, ws.id, 'consents'),
      () => findSubjectRows(storage, ws.id, 'c@example.org'),
    ]) {
      const error = await read().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ParleyError);
      expect((error as ParleyError).code).toBe('data_key_destroyed');
    }
  });

  it('a row moved to another workspace cannot be decrypted there', async () => {
    const a = await createWorkspace(storage, { name: 'A' });
    const b = await createWorkspace(storage, { name: 'B' });
    const result = await writeStoreRow(storage, a.id, { table: 'variables', moduleId: 'text-question', defaultRetentionDays: 60, personal: { answer: 'secret' } });
    if (!result.stored) throw new Error('not stored');
    await sql`update store_variables set workspace_id = ${b.id} where id = ${result.id}`.execute(storage.db);
    const error = await getStoreRow(storage, b.id, 'variables', result.id).then(() => undefined, (e: unknown) => e);
    expect((error as ParleyError).code).toBe('decryption_failed');
  });
});
