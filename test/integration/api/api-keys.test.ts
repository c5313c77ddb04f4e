import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { api, startTestServer } from '../../support/test-server.js';
import { tablesContaining } from '../../support/find-text.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { hashApiKey, issueApiKey, revokeApiKey } from '../../../storage/api-key-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';

let storage: TestStorage;
let server: RunningServer;
beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

describe('API keys and workspace scoping', () => {
  it('stores only SHA-256 hashes of keys', async () => {
    const ws = await createWorkspace(storage, { name: 'Hashes' });
    const issued = await issueApiKey(storage.db, ws.id);
    expect(await tablesContaining(storage.db, issued.key)).toEqual([]);
    const stored = await sql<{ key_hash: Buffer }>`select key_hash from api_keys where id = ${issued.id}`.execute(storage.db);
    expect(stored.rows[0]!.key_hash.equals(hashApiKey(issued.key))).toBe(true);
    expect((await api(server.url, issued.key, 'GET', '/api/v1/workspace')).status).toBe(200);
  });

  it('refuses a missing, unknown or revoked key with 401', async () => {
    const ws = await createWorkspace(storage, { name: 'Revoked' });
    const issued = await issueApiKey(storage.db, ws.id);
    expect((await api(server.url, undefined, 'GET', '/api/v1/workspace')).status).toBe(401);
    expect((await api(server.url, 'pk_unknown', 'GET', '/api/v1/workspace')).status).toBe(401);
    expect(await revokeApiKey(storage.db, ws.id, issued.id)).toBe('revoked');
    const refused = await api(server.url, issued.key, 'GET', '/api/v1/workspace');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
  });

  it('issues a key that expires: it works until then, is refused after with a message that says so, lists as expired and counts no more as the last working key', async () => {
    const contract = await OpenApiContract.fetch(server.url);
    const ws = await createWorkspace(storage, { name: 'Expiring keys' });
    const owner = await issueApiKey(storage.db, ws.id, { name: 'owner' });
    const created = await api(server.url, owner.key, 'POST', '/api/v1/api-keys', { name: 'Spring partner', expiresInDays: 30 });
    expect(created.status).toBe(201);
    expect(contract.check('createApiKey', 201, created.body)).toEqual([]);
    const { apiKey } = created.body;
    expect(Date.parse(apiKey.expiresAt) - Date.parse(apiKey.createdAt)).toBe(30 * 86_400_000);
    expect(apiKey.expired).toBe(false);
    expect((await api(server.url, created.body.key, 'GET', '/api/v1/workspace')).status).toBe(200);

    // Thirty days on (the key's expiry moved to the past): refused, and told why.
    await sql`update api_keys set expires_at = now() - interval '1 second' where id = ${apiKey.id}`.execute(storage.db);
    const response = await fetch(`${server.url}/api/v1/workspace`, { headers: { authorization: `Bearer ${created.body.key}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="parley", error="invalid_token", error_description="The API key expired"');
    expect((await response.json()).error).toMatchObject({ code: 'unauthorized', message: 'This API key has expired: ask the workspace for a new one' });
    const listed = await api(server.url, owner.key, 'GET', '/api/v1/api-keys');
    expect(contract.check('listApiKeys', 200, listed.body)).toEqual([]);
    expect(listed.body.apiKeys.map((k: { name: string; expired: boolean; expiresAt: string | null }) => [k.name, k.expired, k.expiresAt === null])).toEqual([['Spring partner', true, false], ['owner', false, true]]);

    // An expired full key is no spare: the owner's key stays the last working one, and the expired one may go.
    const spare = await issueApiKey(storage.db, ws.id, { name: 'spare', expiresInDays: 1 });
    await sql`update api_keys set expires_at = now() - interval '1 second' where id = ${spare.id}`.execute(storage.db);
    expect((await api(server.url, owner.key, 'DELETE', `/api/v1/api-keys/${owner.id}`)).status).toBe(409);
    expect((await api(server.url, owner.key, 'DELETE', `/api/v1/api-keys/${spare.id}`)).status).toBe(204);

    for (const expiresInDays of [0, 3651, 1.5]) {
      const refused = await api(server.url, owner.key, 'POST', '/api/v1/api-keys', { name: 'Bad', expiresInDays });
      expect([refused.status, refused.body.error.path]).toEqual([400, '/expiresInDays']);
    }
  });

  it('lets owners issue, list and revoke keys through the API, keeping one live key, each change audited', async () => {
    const contract = await OpenApiContract.fetch(server.url);
    const ws = await createWorkspace(storage, { name: 'Key management' });
    const first = await issueApiKey(storage.db, ws.id, { name: 'console' });
    const call = async (operation: string, key: string, method: string, path: string, body?: unknown) => {
      const response = await api(server.url, key, method, path, body);
      expect(contract.check(operation, response.status, response.body)).toEqual([]);
      return response;
    };
    const created = await call('createApiKey', first.key, 'POST', '/api/v1/api-keys', { name: '  CRM sync ' });
    expect(created.status).toBe(201);
    expect(created.body.apiKey).toMatchObject({ name: 'CRM sync', prefix: created.body.key.slice(0, 10), lastUsedAt: null, revokedAt: null, current: false });
    expect(await tablesContaining(storage.db, created.body.key)).toEqual([]);
    // The new key works at once; the list shows both (newest first), never a key, and which one is asking.
    expect((await api(server.url, created.body.key, 'GET', '/api/v1/workspace')).body.id).toBe(ws.id);
    const listed = await call('listApiKeys', first.key, 'GET', '/api/v1/api-keys');
    expect(listed.body.apiKeys.map((k: { name: string; current: boolean }) => [k.name, k.current])).toEqual([['CRM sync', false], ['console', true]]);
    expect(listed.body.apiKeys[0].lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

    const bad = await call('createApiKey', first.key, 'POST', '/api/v1/api-keys', { name: '   ' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', path: '/name' } } });
    // Revoke the new key with the first; then the first is the last live key and stays, even when it asks itself.
    expect((await call('revokeApiKey', first.key, 'DELETE', `/api/v1/api-keys/${created.body.apiKey.id}`)).status).toBe(204);
    expect((await api(server.url, created.body.key, 'GET', '/api/v1/workspace')).status).toBe(401);
    expect((await call('revokeApiKey', first.key, 'DELETE', `/api/v1/api-keys/${created.body.apiKey.id}`)).status).toBe(404);
    const last = await call('revokeApiKey', first.key, 'DELETE', `/api/v1/api-keys/${first.id}`);
    expect(last).toMatchObject({ status: 409, body: { error: { code: 'conflict', path: '/keyId' } } });
    expect((await api(server.url, first.key, 'GET', '/api/v1/workspace')).status).toBe(200);
    // With another live key, the asking key may revoke itself.
    const spare = await issueApiKey(storage.db, ws.id, { name: 'spare' });
    expect((await call('revokeApiKey', first.key, 'DELETE', `/api/v1/api-keys/${first.id}`)).status).toBe(204);
    expect((await api(server.url, first.key, 'GET', '/api/v1/api-keys')).status).toBe(401);
    const after = await call('listApiKeys', spare.key, 'GET', '/api/v1/api-keys');
    expect(after.body.apiKeys.map((k: { name: string; revokedAt: string | null }) => [k.name, k.revokedAt !== null])).toEqual([['spare', false], ['CRM sync', true], ['console', true]]);
    const audit = await api(server.url, spare.key, 'GET', '/api/v1/audit');
    expect(audit.body.entries.map((e: { action: string; target: string }) => [e.action, e.target]).reverse()).toEqual([
      ['api_key.created', created.body.apiKey.id], ['api_key.revoked', created.body.apiKey.id], ['api_key.revoked', first.id],
    ]);
  });

  it('lets a read-only key read (GET, previews, lookups, download links) and refuses it every change with 403, as documented', async () => {
    const contract = await OpenApiContract.fetch(server.url);
    const ws = await createWorkspace(storage, { name: 'Read only' });
    const full = await issueApiKey(storage.db, ws.id, { name: 'owner' });
    const issued = await api(server.url, full.key, 'POST', '/api/v1/api-keys', { name: 'BI tool', access: 'read' });
    expect(issued).toMatchObject({ status: 201, body: { apiKey: { name: 'BI tool', access: 'read' } } });
    const reader = issued.body.key as string;
    const asReader = async (operation: string, method: string, path: string, body?: unknown) => {
      const response = await api(server.url, reader, method, path, body);
      expect(contract.check(operation, response.status, response.body), `${operation} ${response.status}`).toEqual([]);
      return response;
    };
    expect((await asReader('getWorkspace', 'GET', '/api/v1/workspace')).status).toBe(200);
    expect((await asReader('listRows', 'GET', '/api/v1/tables/participations/rows')).status).toBe(200);
    expect((await asReader('lookupSubject', 'POST', '/api/v1/subjects/lookup', { email: 'ann@example.org' })).status).toBe(200);
    expect((await asReader('createDownload', 'POST', '/api/v1/tables/participations/downloads', { acceptTerms: true })).status).toBe(201);
    const keys = await asReader('listApiKeys', 'GET', '/api/v1/api-keys');
    expect(keys.body.apiKeys.map((k: { name: string; access: string; current: boolean }) => [k.name, k.access, k.current])).toEqual([['BI tool', 'read', true], ['owner', 'full', false]]);
    expect((await asReader('getCurrentApiKey', 'GET', '/api/v1/api-keys/current')).body.apiKey).toMatchObject({ name: 'BI tool', access: 'read', scopes: null });
    const refusals: Array<[string, string, string, unknown?]> = [
      ['updateWorkspace', 'PATCH', '/api/v1/workspace', { name: 'Mine now' }],
      ['saveFlow', 'PUT', '/api/v1/flows/summer', { name: 'Summer', steps: [{ id: 's', module: 'message', config: { text: 'x' } }] }],
      ['eraseSubject', 'POST', '/api/v1/subjects/erasure', { email: 'ann@example.org' }],
      ['createApiKey', 'POST', '/api/v1/api-keys', { name: 'Escalation' }],
      ['revokeApiKey', 'DELETE', `/api/v1/api-keys/${full.id}`],
    ];
    for (const [operation, method, path, body] of refusals) {
      const refused = await asReader(operation, method, path, body);
      expect(refused, operation).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: 'This API key may only read; changes need a key with full access' } } });
    }
    expect((await api(server.url, full.key, 'GET', '/api/v1/workspace')).body.name).toBe('Read only');
    expect((await api(server.url, full.key, 'GET', '/api/v1/api-keys')).body.apiKeys).toHaveLength(2);
    // The last key with full access stays, whatever read-only keys are left.
    expect(await revokeApiKey(storage.db, ws.id, full.id, { keepOne: true })).toBe('last_key');
  });

  it('issues a key limited to parts of the API: it calls those, gets a documented 403 naming its parts elsewhere, never manages keys, and is no spare for the last key to the whole API', async () => {
    const contract = await OpenApiContract.fetch(server.url);
    const ws = await createWorkspace(storage, { name: 'Scoped keys' });
    const owner = await issueApiKey(storage.db, ws.id, { name: 'owner' });
    const created = await api(server.url, owner.key, 'POST', '/api/v1/api-keys', { name: 'CRM', scopes: ['subjects', 'data'] });
    expect(created.status).toBe(201);
    expect(contract.check('createApiKey', 201, created.body)).toEqual([]);
    expect(created.body.apiKey).toMatchObject({ access: 'full', scopes: ['subjects', 'data'] });
    const crm: string = created.body.key;
    // Its parts: the person's consents (subjects) and the tables (data).
    expect(await api(server.url, crm, 'POST', '/api/v1/subjects/consent-withdrawal', { email: 'kim@example.org' })).toEqual({ status: 200, body: { withdrawn: 0 } });
    expect((await api(server.url, crm, 'GET', '/api/v1/tables')).status).toBe(200);
    // Every key reads itself and the workspace's settings (what a console needs to show anything).
    const itself = await api(server.url, crm, 'GET', '/api/v1/api-keys/current');
    expect(contract.check('getCurrentApiKey', 200, itself.body)).toEqual([]);
    expect(itself.body.apiKey).toMatchObject({ name: 'CRM', access: 'full', scopes: ['subjects', 'data'], current: true, expiresAt: null });
    const settings = await api(server.url, crm, 'GET', '/api/v1/workspace');
    expect([settings.status, settings.body.name, contract.check('getWorkspace', 200, settings.body)]).toEqual([200, 'Scoped keys', []]);
    // Any other part, keys included (a limited key cannot issue itself a wider one): 403.
    const elsewhere = [['GET', '/api/v1/flows', 'listFlows', 'flows'], ['PATCH', '/api/v1/workspace', 'updateWorkspace', 'workspace'], ['GET', '/api/v1/api-keys', 'listApiKeys', 'api-keys'], ['POST', '/api/v1/api-keys', 'createApiKey', 'api-keys']] as const;
    for (const [method, path, operationId, part] of elsewhere) {
      const refused = await api(server.url, crm, method, path, method === 'GET' ? undefined : { name: 'Wider' });
      expect([refused.status, refused.body.error?.message]).toEqual([403, `This API key may not call this part of the API (${part}); it is limited to subjects, data`]);
      expect(contract.check(operationId, 403, refused.body)).toEqual([]);
    }
    expect((await api(server.url, owner.key, 'GET', '/api/v1/workspace')).body.name).toBe('Scoped keys');
    const listed = await api(server.url, owner.key, 'GET', '/api/v1/api-keys');
    expect(contract.check('listApiKeys', 200, listed.body)).toEqual([]);
    expect(listed.body.apiKeys.map((k: { name: string; scopes: string[] | null }) => [k.name, k.scopes])).toEqual([['CRM', ['subjects', 'data']], ['owner', null]]);
    expect((await api(server.url, owner.key, 'DELETE', `/api/v1/api-keys/${owner.id}`)).status).toBe(409);
    // Parts that are none, or not to be limited to, or none at all, or one twice: refused at their path.
    for (const [scopes, path] of [[['flows', 'nowhere'], '/scopes/1'], [['api-keys'], '/scopes/0'], [[], '/scopes'], [['data', 'data'], '/scopes']] as const) {
      const bad = await api(server.url, owner.key, 'POST', '/api/v1/api-keys', { name: 'Bad', scopes });
      expect([bad.status, bad.body.error.path]).toEqual([400, path]);
    }
  });

  it('lets a key limited to exports list the flows an export may read, without the flows part', async () => {
    const contract = await OpenApiContract.fetch(server.url);
    const ws = await createWorkspace(storage, { name: 'Export desk' });
    const owner = await issueApiKey(storage.db, ws.id, { name: 'owner' });
    const flow = { name: 'Spring game', closesAt: '2031-04-30T22:00:00.000Z', steps: [{ id: 'email', module: 'email-capture', config: { question: 'Email?' } }] };
    expect((await api(server.url, owner.key, 'PUT', '/api/v1/flows/spring', flow)).status).toBe(201);
    const desk = (await issueApiKey(storage.db, ws.id, { name: 'desk', scopes: ['exports'] })).key;
    const sources = await api(server.url, desk, 'GET', '/api/v1/exports/sources');
    expect(contract.check('listExportSources', 200, sources.body)).toEqual([]);
    expect(sources.body).toEqual({ flows: [{ id: 'spring', name: 'Spring game', status: 'open', closesAt: '2031-04-30T22:00:00.000Z' }] });
    expect((await api(server.url, desk, 'GET', '/api/v1/exports/fields?flow=spring')).status).toBe(200);
    expect((await api(server.url, desk, 'GET', '/api/v1/flows')).status).toBe(403);
  });

  it('never revokes the last two live keys at once', async () => {
    const ws = await createWorkspace(storage, { name: 'Race' });
    const [a, b] = [await issueApiKey(storage.db, ws.id, { name: 'a' }), await issueApiKey(storage.db, ws.id, { name: 'b' })];
    const outcomes = await Promise.all([revokeApiKey(storage.db, ws.id, a.id, { keepOne: true }), revokeApiKey(storage.db, ws.id, b.id, { keepOne: true })]);
    expect(outcomes.sort()).toEqual(['last_key', 'revoked']);
  });

  it("never lets workspace A's key read workspace B's rows", async () => {
    const a = await createWorkspace(storage, { name: 'A' });
    const b = await createWorkspace(storage, { name: 'B' });
    const keyA = await issueApiKey(storage.db, a.id);
    const keyB = await issueApiKey(storage.db, b.id);
    await writeStoreRow(storage, b.id, { table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 60, personal: { email: 'b@example.org' } });
    const asA = await api(server.url, keyA.key, 'GET', '/api/v1/tables/participations/rows');
    expect(asA.status).toBe(200);
    expect(asA.body.rows).toEqual([]);
    const asB = await api(server.url, keyB.key, 'GET', '/api/v1/tables/participations/rows');
    expect(asB.body.rows).toHaveLength(1);
    expect(asB.body.rows[0].personal).toEqual({ email: 'b@example.org' });
    expect((await api(server.url, keyA.key, 'GET', '/api/v1/workspace')).body.id).toBe(a.id);
  });

  it('refuses bad settings with the field named and changes nothing', async () => {
    const ws = await createWorkspace(storage, { name: 'Settings', timeZone: 'Europe/Paris' });
    const key = await issueApiKey(storage.db, ws.id);
    const cases: Array<[unknown, string]> = [
      [{ retention: { tables: { giveaways: 3 } } }, '/retention/tables/giveaways'],
      [{ retention: { tables: { winners: -1 } } }, '/retention/tables/winners'],
      [{ timeZone: 'Mars/Olympus' }, '/timeZone'],
      [{ allowedOrigins: ['javascript:alert(1)'] }, '/allowedOrigins/0'],
      [{ colour: 'red' }, '/colour'],
    ];
    for (const [body, path] of cases) {
      const response = await api(server.url, key.key, 'PATCH', '/api/v1/workspace', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.path).toBe(path);
      expect(JSON.stringify(response.body)).not.toContain('Olympus');
    }
    const after = await api(server.url, key.key, 'GET', '/api/v1/workspace');
    expect(after.body).toMatchObject({ timeZone: 'Europe/Paris', retention: {} });
  });

  it('answers /health only when database and queue answer', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
