import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { tablesContaining } from '../../support/find-text.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;
let key: string;

const flowDoc = {
  name: 'Admin flow',
  steps: [
    { id: 'hello', module: 'message', config: { text: 'Hi' }, next: 'email' },
    { id: 'email', module: 'email-capture', config: { question: 'Email?' } },
  ],
};

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
  const ws = await createWorkspace(storage, { name: 'Admin' });
  key = (await issueApiKey(storage.db, ws.id)).key;
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

async function call(operationId: string, method: string, path: string, body?: unknown, expected?: number) {
  const response = await api(server.url, key, method, path, body);
  if (expected !== undefined) expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(expected);
  expect(contract.check(operationId, response.status, response.body)).toEqual([]);
  return response;
}

describe('admin API', () => {
  it('creates, reads, lists, replaces, closes and deletes flows, every response matching the OpenAPI document', async () => {
    expect((await call('saveFlow', 'PUT', '/api/v1/flows/welcome', flowDoc, 201)).body).toMatchObject({ id: 'welcome', status: 'open', version: 1 });
    expect((await call('saveFlow', 'PUT', '/api/v1/flows/welcome', { ...flowDoc, name: 'Renamed' }, 200)).body).toMatchObject({ name: 'Renamed', version: 2 });
    expect((await call('getFlow', 'GET', '/api/v1/flows/welcome', undefined, 200)).body.steps).toHaveLength(2);
    expect((await call('listFlows', 'GET', '/api/v1/flows', undefined, 200)).body.flows.map((f: { id: string }) => f.id)).toEqual(['welcome']);
    expect((await call('closeFlow', 'POST', '/api/v1/flows/welcome/close', undefined, 200)).body).toMatchObject({ status: 'closed' });
    await call('deleteFlow', 'DELETE', '/api/v1/flows/welcome', undefined, 204);
    await call('getFlow', 'GET', '/api/v1/flows/welcome', undefined, 404);
  });

  it('refuses a flow with an unknown module or a bad config, with the JSON path, and keeps the stored flow', async () => {
    await call('saveFlow', 'PUT', '/api/v1/flows/keep', flowDoc, 201);
    const unknown = await call('saveFlow', 'PUT', '/api/v1/flows/keep', { ...flowDoc, steps: [{ id: 'x', module: 'teleport', config: {} }] }, 400);
    expect(unknown.body.error).toMatchObject({ code: 'module_unknown', path: '/steps/0/module' });
    const bad = await call('saveFlow', 'PUT', '/api/v1/flows/keep', { ...flowDoc, steps: [{ id: 'x', module: 'message', config: { text: 5 } }] }, 400);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', path: '/steps/0/config/text' });
    expect((await call('getFlow', 'GET', '/api/v1/flows/keep', undefined, 200)).body.version).toBe(1);
  });

  it('answers bad input with 400/413, a code and a path, no stack, no echo, and changes nothing', async () => {
    const before = (await call('getWorkspace', 'GET', '/api/v1/workspace', undefined, 200)).body;
    const cases: Array<[unknown, number, string]> = [
      [{ name: 42 }, 400, '/name'],
      [{ storageEnabled: 'yes' }, 400, '/storageEnabled'],
      [{ sneaky: '<script>alert(1)</script>' }, 400, '/sneaky'],
      [JSON.parse('{"name": "x", "retention": {"tables": {"winners": "a lot"}}}'), 400, '/retention/tables/winners'],
    ];
    for (const [body, status, path] of cases) {
      const response = await call('updateWorkspace', 'PATCH', '/api/v1/workspace', body, status);
      expect(response.body.error.path).toBe(path);
      expect(JSON.stringify(response.body)).not.toMatch(/script|a lot|at .*\.ts/);
    }
    const huge = await api(server.url, key, 'PATCH', '/api/v1/workspace', JSON.stringify({ name: 'x'.repeat(5 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const deep = await api(server.url, key, 'PATCH', '/api/v1/workspace', `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`);
    expect(deep.status).toBe(400);
    expect(deep.body.error.code).toBe('bad_request');
    const broken = await api(server.url, key, 'PATCH', '/api/v1/workspace', '{"name": ');
    expect(broken.status).toBe(400);
    expect(JSON.stringify(broken.body)).not.toContain('"name"');
    expect((await call('getWorkspace', 'GET', '/api/v1/workspace', undefined, 200)).body).toEqual(before);
  });

  it('keeps mail settings with a write-only password', async () => {
    const mail = { host: 'smtp.example.org', port: 587, security: 'starttls', user: 'parley', password: 'smtp-secret-42', from: 'news@example.org' };
    const saved = await call('updateWorkspace', 'PATCH', '/api/v1/workspace', { mail }, 200);
    expect(saved.body.mail).toEqual({ host: 'smtp.example.org', port: 587, security: 'starttls', user: 'parley', hasPassword: true, from: 'news@example.org' });
    expect(JSON.stringify((await call('getWorkspace', 'GET', '/api/v1/workspace', undefined, 200)).body)).not.toContain('smtp-secret-42');
    expect(await tablesContaining(storage.db, 'smtp-secret-42')).toEqual([]);
    const bad = await call('updateWorkspace', 'PATCH', '/api/v1/workspace', { mail: { ...mail, port: 'x' } }, 400);
    expect(bad.body.error.path).toBe('/mail/port');
    expect((await call('updateWorkspace', 'PATCH', '/api/v1/workspace', { mail: null }, 200)).body.mail).toBeNull();
  });

  it('lists tables with counts and retention, pages rows, deletes one and all', async () => {
    const ws = await createWorkspace(storage, { name: 'Rows' });
    const own = (await issueApiKey(storage.db, ws.id)).key;
    for (let i = 0; i < 3; i += 1) await writeStoreRow(storage, ws.id, { table: 'winners', moduleId: 'giveaway', defaultRetentionDays: 60, data: { i } });
    const tables = await api(server.url, own, 'GET', '/api/v1/tables');
    expect(contract.check('listTables', 200, tables.body)).toEqual([]);
    expect(tables.body.tables.find((t: { name: string }) => t.name === 'winners')).toEqual({ name: 'winners', rows: 3, retentionDays: 60 });
    const page = await api(server.url, own, 'GET', '/api/v1/tables/winners/rows?limit=2');
    expect(contract.check('listRows', 200, page.body)).toEqual([]);
    expect(page.body.rows).toHaveLength(2);
    const rest = await api(server.url, own, 'GET', `/api/v1/tables/winners/rows?limit=2&after=${page.body.next}`);
    expect(rest.body.rows).toHaveLength(1);
    expect((await api(server.url, own, 'DELETE', `/api/v1/tables/winners/rows/${rest.body.rows[0].id}`)).status).toBe(204);
    expect((await api(server.url, own, 'DELETE', `/api/v1/tables/winners/rows/${rest.body.rows[0].id}`)).status).toBe(404);
    expect((await api(server.url, own, 'DELETE', '/api/v1/tables/winners/rows')).status).toBe(400);
    const all = await api(server.url, own, 'DELETE', '/api/v1/tables/winners/rows?confirm=true');
    expect(all.body).toEqual({ deleted: 2 });
    expect((await api(server.url, own, 'GET', '/api/v1/tables/winners/rows')).body.rows).toEqual([]);
  });

  it('answers and erases a subject request; afterwards nothing is found and the audit holds no email', async () => {
    const ws = await createWorkspace(storage, { name: 'Subjects' });
    const own = (await issueApiKey(storage.db, ws.id)).key;
    const email = 'Erase.Me@Example.org';
    await writeStoreRow(storage, ws.id, { table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 60, personal: { email: 'erase.me@example.org' }, subject: 'erase.me@example.org' });
    await writeStoreRow(storage, ws.id, { table: 'consents', moduleId: 'consent', defaultRetentionDays: 60, data: { is_optin: 1 }, personal: { email: 'erase.me@example.org' }, subject: 'erase.me@example.org' });
    await writeStoreRow(storage, ws.id, { table: 'consents', moduleId: 'consent', defaultRetentionDays: 60, personal: { email: 'other@example.org' }, subject: 'other@example.org' });
    const found = await api(server.url, own, 'POST', '/api/v1/subjects/lookup', { email });
    expect(contract.check('lookupSubject', 200, found.body)).toEqual([]);
    expect(found.body.rows.map((r: { table: string }) => r.table).sort()).toEqual(['consents', 'participations']);
    const erased = await api(server.url, own, 'POST', '/api/v1/subjects/erasure', { email });
    expect(contract.check('eraseSubject', 200, erased.body)).toEqual([]);
    expect(erased.body.erased).toMatchObject({ participations: 1, consents: 1 });
    expect((await api(server.url, own, 'POST', '/api/v1/subjects/lookup', { email })).body.rows).toEqual([]);
    expect((await api(server.url, own, 'POST', '/api/v1/subjects/lookup', { email: 'other@example.org' })).body.rows).toHaveLength(1);
    const auditLog = await api(server.url, own, 'GET', '/api/v1/audit');
    expect(contract.check('listAudit', 200, auditLog.body)).toEqual([]);
    expect(auditLog.body.entries.map((e: { action: string }) => e.action)).toEqual(['subject.accessed', 'subject.accessed', 'subject.erased', 'subject.accessed']);
    expect(await tablesContaining(storage.db, 'erase.me')).toEqual([]);
    expect((await api(server.url, own, 'POST', '/api/v1/subjects/lookup', { email: 'not-an-email' })).body.error).toMatchObject({ code: 'validation_failed', path: '/email' });
  });

  it('anonymizes a subject: the rows stay without the email, the consent is withdrawn, the audit counts it and holds no email', async () => {
    const ws = await createWorkspace(storage, { name: 'Anonymous' });
    const own = (await issueApiKey(storage.db, ws.id)).key;
    const subject = { personal: { email: 'hide.me@example.org' }, subject: 'hide.me@example.org' };
    await writeStoreRow(storage, ws.id, { table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 60, data: { giveaway: 'draw' }, ...subject });
    await writeStoreRow(storage, ws.id, { table: 'consents', moduleId: 'consent', defaultRetentionDays: 60, data: { is_optin: 1 }, ...subject });
    const done = await api(server.url, own, 'POST', '/api/v1/subjects/anonymization', { email: 'Hide.Me@Example.org' });
    expect(done.status).toBe(200);
    expect(contract.check('anonymizeSubject', 200, done.body)).toEqual([]);
    expect(done.body).toEqual({ anonymized: expect.objectContaining({ participations: 1, consents: 1, sessions: 0 }), consentsWithdrawn: 1 });
    expect((await api(server.url, own, 'POST', '/api/v1/subjects/lookup', { email: 'hide.me@example.org' })).body.rows).toEqual([]);
    const rows = (await api(server.url, own, 'GET', '/api/v1/tables/consents/rows')).body.rows;
    expect(rows).toEqual([expect.objectContaining({ data: expect.objectContaining({ is_optin: 0, withdrawn_level: 1, anonymized_at: expect.any(String) }), personal: null })]);
    expect((await api(server.url, own, 'GET', '/api/v1/tables/participations/rows')).body.rows).toHaveLength(1);
    const audited = (await api(server.url, own, 'GET', '/api/v1/audit?action=subject.anonymized')).body.entries;
    expect(audited).toEqual([expect.objectContaining({ target: expect.stringMatching(/^subject:[0-9a-f]{16}$/), counts: expect.objectContaining({ participations: 1, consents: 1, consentsWithdrawn: 1 }) })]);
    expect(JSON.stringify(audited)).not.toMatch(/hide\.me/i);
    const refused = await api(server.url, own, 'POST', '/api/v1/subjects/anonymization', { email: 'nobody' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'validation_failed', path: '/email' });
  });
});
