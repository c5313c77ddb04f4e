import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { extractWith7z } from '../../support/seven-zip.js';
import { tablesContaining } from '../../support/find-text.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { sweepExpired } from '../../../storage/sweeper.js';
import { sql } from 'kysely';

let storage: TestStorage;
let server: RunningServer;
let ws: Workspace;
let key: string;

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  ws = await createWorkspace(storage, { name: 'Downloads' });
  key = (await issueApiKey(storage.db, ws.id)).key;
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

async function createDownload(table = 'participations') {
  const created = await api(server.url, key, 'POST', `/api/v1/tables/${table}/downloads`, { acceptTerms: true });
  expect(created.status).toBe(201);
  return created.body as { url: string; password: string; expiresAt: string };
}

describe('encrypted one-time downloads', () => {
  it('streams the table as CSV in an AES-256 ZIP that 7-Zip opens with the password and refuses without', async () => {
    await writeStoreRow(storage, ws.id, { table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 60, data: { n: 1 }, personal: { email: 'zip@example.org', ip: '192.0.2.1' } });
    await writeStoreRow(storage, ws.id, { table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 60, data: { n: 2 }, personal: { email: '=cmd@example.org' } });
    const link = await createDownload();
    expect(link.password.length).toBeGreaterThanOrEqual(22);
    expect(await tablesContaining(storage.db, link.password)).toEqual([]);
    const response = await fetch(link.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const zip = Buffer.from(await response.arrayBuffer());
    expect(zip.includes(Buffer.from('zip@example.org'))).toBe(false);

    const opened = await extractWith7z(zip, 'participations.csv', link.password);
    expect(opened.code).toBe(0);
    expect(opened.listing).toContain('AES-256');
    const rows = parse(opened.text!, { columns: true }) as Array<Record<string, string>>;
    // The email in a column of its own (a formula-like value made inert), the other personal values as JSON.
    expect(rows.map((r) => [r.email, r.personal])).toEqual([['zip@example.org', '{"ip":"192.0.2.1"}'], ["'=cmd@example.org", '']]);
    expect(rows.map((r) => JSON.parse(r.data!).n)).toEqual([1, 2]);
    expect((await extractWith7z(zip, 'participations.csv', 'wrong-password')).code).toBe(2);

    expect((await fetch(link.url)).status).toBe(410);
    expect((await fetch(`${server.url}/downloads/${'x'.repeat(43)}`)).status).toBe(404);
  });

  it('expires after 15 minutes, and the sweep then removes the link (its sealed password with it)', async () => {
    const link = await createDownload('winners');
    storage.clock.advance(15 * 60_000 + 1);
    expect((await fetch(link.url)).status).toBe(410);
    const links = async () => Number((await sql<{ n: string }>`select count(*) as n from downloads where workspace_id = ${ws.id} and expires_at <= ${storage.clock.now()}`.execute(storage.db)).rows[0]!.n);
    expect(await links()).toBeGreaterThanOrEqual(1);
    const report = await sweepExpired(storage.db, { now: storage.clock.now() });
    expect(report.downloadLinksDeleted).toBeGreaterThanOrEqual(1);
    expect(await links()).toBe(0);
    expect((await fetch(link.url)).status).toBe(404);
  });

  it('1,000 double redemptions give exactly one success each', async () => {
    const links = [];
    for (let i = 0; i < 1000; i += 1) links.push(await createDownload('codes'));
    let ok = 0;
    let gone = 0;
    for (let i = 0; i < links.length; i += 50) {
      const results = await Promise.all(
        links.slice(i, i + 50).flatMap((link) => [fetch(link.url), fetch(link.url)].map(async (p) => {
          const response = await p;
          await response.arrayBuffer();
          return response.status;
        })),
      );
      ok += results.filter((s) => s === 200).length;
      gone += results.filter((s) => s === 410).length;
    }
    expect({ ok, gone }).toEqual({ ok: 1000, gone: 1000 });
    // 3,000 requests, each a 7-Zip-openable AES ZIP: minutes on a loaded 2-core machine.
  }, 300_000);
});
