import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { recordAudit } from '../../../storage/audit-repository.js';
import { sweepExpired } from '../../../storage/sweeper.js';
import { sql } from 'kysely';

const T0 = new Date('2025-04-01T10:00:00.000Z');
const MINUTE = 60_000;
let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;

beforeAll(async () => {
  storage = await createTestStorage({ start: T0 });
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
});
afterAll(async () => {
  await server?.close();
  await storage?.destroy();
});

/** A workspace whose log holds `entries` (action, minutes after T0), and a key named `auditor`. */
async function loggedWorkspace(name: string, entries: Array<[string, number]>) {
  const workspace = await createWorkspace(storage, { name });
  const issued = await issueApiKey(storage.db, workspace.id, { name: 'auditor' });
  for (const [action, minutes] of entries) {
    await recordAudit(storage.db, { workspaceId: workspace.id, keyId: issued.id, action, target: name, counts: { rows: minutes }, at: new Date(T0.getTime() + minutes * MINUTE) });
  }
  const get = async (operationId: string, path: string, expected = 200) => {
    const response = await api(server.url, issued.key, 'GET', `/api/v1${path}`);
    expect(response.status, JSON.stringify(response.body)).toBe(expected);
    expect(contract.check(operationId, response.status, response.body)).toEqual([]);
    return response.body;
  };
  return { workspace, get };
}

/** Every page of `path` (a query string without `before`), followed through `next`. */
async function allPages(get: (op: string, path: string) => Promise<any>, path: string): Promise<Array<Array<{ counts: { rows: number } }>>> {
  const pages = [];
  let next: string | null = null;
  do {
    const body = await get('listAudit', `${path}${next ? `&before=${encodeURIComponent(next)}` : ''}`);
    pages.push(body.entries);
    next = body.next;
  } while (next !== null);
  return pages;
}

describe('GET /audit: filters and keyset paging', () => {
  it('pages newest first without skipping or repeating entries that share an instant', async () => {
    const { get } = await loggedWorkspace('Ties', [['rows.deleted', 1], ['rows.deleted', 2], ['rows.deleted', 2], ['rows.deleted', 2], ['rows.deleted', 2], ['rows.deleted', 3]]);
    const pages = await allPages(get, '/audit?limit=2');
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);
    expect(pages.flat().map((e) => e.counts.rows)).toEqual([3, 2, 2, 2, 2, 1]);
    const first = (await get('listAudit', '/audit?limit=1')).entries[0];
    expect(first).toMatchObject({ keyName: 'auditor', action: 'rows.deleted', target: 'Ties', at: new Date(T0.getTime() + 3 * MINUTE).toISOString() });
  });

  it('filters by action and by a time range (from included, to excluded), and pages the filtered entries', async () => {
    const entries: Array<[string, number]> = [];
    for (let minute = 0; minute < 10; minute += 1) entries.push([minute % 2 === 0 ? 'export.run' : 'flow.closed', minute]);
    const { get } = await loggedWorkspace('Filters', entries);
    const minutes = async (query: string) => (await allPages(get, `/audit?limit=2&${query}`)).flat().map((e) => e.counts.rows);
    expect(await minutes('action=export.run')).toEqual([8, 6, 4, 2, 0]);
    const from = new Date(T0.getTime() + 3 * MINUTE).toISOString();
    const to = new Date(T0.getTime() + 7 * MINUTE).toISOString();
    expect(await minutes(`from=${from}&to=${to}`)).toEqual([6, 5, 4, 3]);
    expect(await minutes(`action=flow.closed&from=${from}&to=${to}`)).toEqual([5, 3]);
    expect(await minutes('action=draw.created')).toEqual([]);
    expect((await get('listAuditActions', '/audit/actions')).actions).toEqual(['export.run', 'flow.closed']);
  });

  it('refuses a backwards range, a cursor it did not make and a malformed action, with the path', async () => {
    const { get } = await loggedWorkspace('Refusals', [['export.run', 0]]);
    const later = new Date(T0.getTime() + MINUTE).toISOString();
    expect((await get('listAudit', `/audit?from=${later}&to=${T0.toISOString()}`, 400)).error).toMatchObject({ code: 'validation_failed', path: '/query/to' });
    for (const cursor of ['12', 'abc.1', '1.2.3']) {
      expect((await get('listAudit', `/audit?before=${cursor}`, 400)).error).toMatchObject({ code: 'validation_failed', path: '/query/before' });
    }
    expect((await get('listAudit', '/audit?action=Not%20An%20Action', 400)).error.path).toBe('/query/action');
    expect((await get('listAudit', '/audit?from=yesterday', 400)).error.path).toBe('/query/from');
  });

  it("shows one workspace's actions and entries only", async () => {
    await loggedWorkspace('Other', [['download.created', 0]]);
    const { get } = await loggedWorkspace('Mine', [['codes.added', 0]]);
    expect((await get('listAuditActions', '/audit/actions')).actions).toEqual(['codes.added']);
    expect((await get('listAudit', '/audit')).entries.map((e: { target: string }) => e.target)).toEqual(['Mine']);
  });

  it('keeps entries as long as the workspace says (365 days unless changed): older ones are never shown, then swept', async () => {
    const DAY = 24 * 60 * MINUTE;
    const { workspace, get } = await loggedWorkspace('Kept', [['flow.created', 0], ['flow.closed', 200 * 24 * 60], ['export.run', 380 * 24 * 60]]);
    const other = await loggedWorkspace('Other', [['flow.created', 0]]);
    storage.clock.set(T0.getTime() + 390 * DAY);
    try {
      // 390 days on, the default 365 days hide the first entry, before any sweep.
      expect((await get('listAudit', '/audit')).entries.map((e: { action: string }) => e.action)).toEqual(['export.run', 'flow.closed']);
      expect((await get('listAuditActions', '/audit/actions')).actions).toEqual(['export.run', 'flow.closed']);

      const key = (await issueApiKey(storage.db, workspace.id)).key;
      const refused = await api(server.url, key, 'PATCH', '/api/v1/workspace', { auditRetentionDays: 10 });
      expect(refused.status).toBe(400);
      expect(refused.body.error.path).toBe('/auditRetentionDays');
      const changed = await api(server.url, key, 'PATCH', '/api/v1/workspace', { auditRetentionDays: 30 });
      expect(changed.status).toBe(200);
      expect(contract.check('updateWorkspace', changed.status, changed.body)).toEqual([]);
      expect(changed.body.auditRetentionDays).toBe(30);
      expect((await get('listAudit', '/audit?action=export.run')).entries).toHaveLength(1);
      expect((await get('listAudit', '/audit?action=flow.closed')).entries).toEqual([]);

      const report = await sweepExpired(storage.db, { now: storage.clock.now() });
      expect(report.auditRowsDeleted).toBeGreaterThanOrEqual(3);
      const left = await sql<{ workspace_id: string; action: string }>`
        select workspace_id, action from audit_log where workspace_id in (${workspace.id}, ${other.workspace.id}) order by at`.execute(storage.db);
      expect(left.rows.map((r) => [r.workspace_id === workspace.id ? 'kept' : 'other', r.action])).toEqual([['kept', 'export.run'], ['kept', 'workspace.audit_retention_changed']]);
      expect((await get('listAudit', '/audit?action=workspace.audit_retention_changed')).entries[0].counts).toEqual({ days: 30, previousDays: 365 });
    } finally {
      storage.clock.set(T0);
    }
  });
});
