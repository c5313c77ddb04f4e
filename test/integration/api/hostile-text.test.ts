import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat } from '../../support/chat-client.js';
import { tablesContaining } from '../../support/find-text.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, getWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { MAX_JSON_DEPTH } from '../../../runtime/http/api/json-limits.js';

/**
 * Regression: a JSON string holding U+0000 or a lone surrogate reached PostgreSQL, which refused
 * the text, and the API answered 500. Each case carries a marker so the test can prove that
 * nothing of it was written anywhere.
 */
const HOSTILE = [
  ['U+0000', '\u0000'],
  ['lone high surrogate', '\ud800'],
  ['lone low surrogate', '\udc00'],
] as const;

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;
let workspace: Workspace;
let key: string;
let entryId: string;

const flowWith = (name: string, text: string) => ({ name, steps: [{ id: 'hello', module: 'message', config: { text } }] });
const exportWith = (value: string) => ({
  name: 'Hostile',
  source: { table: 'participations' },
  fields: [{ field: 'row.id' }, { field: 'custom', value, column: 'tag' }],
  format: { type: 'csv' },
  fileNamePattern: '{export}',
});

async function expectRefused(operationId: string, method: string, path: string, body: unknown, pointer: string) {
  const response = await api(server.url, key, method, path, body);
  expect(response.status, `${operationId} ${JSON.stringify(response.body)}`).toBe(400);
  expect(response.body.error).toMatchObject({ code: 'validation_failed', path: pointer });
  expect(contract.check(operationId, response.status, response.body)).toEqual([]);
}

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
  workspace = await createWorkspace(storage, { name: 'Hostile', allowedOrigins: ['https://shop.example'] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  const row = await writeStoreRow(storage, workspace.id, { table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 60, data: {} });
  if (!row.stored) throw new Error('not stored');
  entryId = row.id;
  await saveTestFlow(storage, workspace, 'ask', { name: 'Ask', steps: [{ id: 'q', module: 'text-question', config: { question: 'Why?', variable: 'why' }, next: 'bye' }, { id: 'bye', module: 'message', config: { text: 'Thanks' } }] });
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

describe.each(HOSTILE)('a JSON string with a %s', (_label, hostile) => {
  const marker = `hostile-${_label.replace(/\W+/g, '-')}`;
  const text = `${marker}${hostile}x`;

  it('is refused with 400 and its JSON path on every route that used to answer 500, and nothing is stored', async () => {
    const before = await getWorkspace(storage, workspace.id);
    await expectRefused('updateWorkspace', 'PATCH', '/api/v1/workspace', { name: text }, '/name');
    await expectRefused('saveFlow', 'PUT', '/api/v1/flows/hostile', flowWith(text, 'Hi'), '/name');
    await expectRefused('saveFlow', 'PUT', '/api/v1/flows/hostile', flowWith('Fine', text), '/steps/0/config/text');
    await expectRefused('createExport', 'POST', '/api/v1/exports', exportWith(text), '/fields/1/value');
    await expectRefused('setExternalFields', 'PUT', `/api/v1/participations/${entryId}/external`, { 'pop.status': text }, '/pop.status');
    expect(await getWorkspace(storage, workspace.id)).toEqual(before);
    expect((await api(server.url, key, 'GET', '/api/v1/flows/hostile')).status).toBe(404);
    expect((await api(server.url, key, 'GET', '/api/v1/exports')).body.exports).toEqual([]);
    expect(await tablesContaining(storage.db, marker)).toEqual([]);
  });

  it('is refused in a field name, with a path that does not echo it', async () => {
    const response = await api(server.url, key, 'PATCH', '/api/v1/workspace', { [`na${hostile}me`]: 'x' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'validation_failed', path: '/na\uFFFDme' });
  });

  it('is refused in a chat reply with the path of the value; the session goes on and nothing is stored', async () => {
    const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'ask' }, { origin: 'https://shop.example' });
    const refused = await chat.reply(text);
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation_failed', path: '/value' } });
    const answered = await chat.reply('because');
    expect(answered.ok && answered.turn.messages).toEqual([{ kind: 'text', text: 'Thanks' }]);
    chat.close();
    expect(await tablesContaining(storage.db, marker)).toEqual([]);
  });
});

describe('hostile text in the chat handshake', () => {
  it.each(['\u0000', '\ud800', '\udc00'])('refuses %j in the device facts with the JSON path, before any session is written', async (bad) => {
    const before = await storage.db.selectFrom('chat_sessions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const refused = connectChat(server.url, { workspace: workspace.id, flow: 'ask', device: { language: `en${bad}` } }, { origin: 'https://shop.example' });
    await expect(refused).rejects.toMatchObject({ data: { code: 'validation_failed', path: '/auth/device/language' } });
    const after = await storage.db.selectFrom('chat_sessions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe('hostile text in the URL', () => {
  it('is refused in a query value and a path parameter with their paths', async () => {
    const query = await api(server.url, key, 'GET', '/api/v1/tables/participations/rows?after=a%00b');
    expect(query.status).toBe(400);
    expect(query.body.error).toMatchObject({ code: 'validation_failed', path: '/query/after' });
    const param = await api(server.url, key, 'GET', '/api/v1/flows/a%00b');
    expect(param.status).toBe(400);
    expect(param.body.error).toMatchObject({ code: 'validation_failed', path: '/params/flowId' });
  });

  it('answers 400, never 500, to a path parameter that is not UTF-8 (an encoded lone surrogate)', async () => {
    const param = await api(server.url, key, 'GET', '/api/v1/flows/a%ED%A0%80');
    expect(param.status).toBe(400);
    expect(param.body.error.code).toBe('bad_request');
  });
});

describe('a body nested deeper than the limit', () => {
  it('is refused with 400 and the JSON path where the depth was exceeded', async () => {
    const body = `{"name":"x","retention":${'{"a":'.repeat(200)}1${'}'.repeat(201)}`;
    const response = await api(server.url, key, 'PATCH', '/api/v1/workspace', body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('bad_request');
    expect(response.body.error.path).toBe(`/retention${'/a'.repeat(MAX_JSON_DEPTH - 1)}`);
  });
});
