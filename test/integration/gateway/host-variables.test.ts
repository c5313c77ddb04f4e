import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat } from '../../support/chat-client.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import type { RunningServer } from '../../../runtime/server.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';

const ORIGIN = 'https://shop.example';
let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;
let key: string;

const flow = {
  name: 'Campaign',
  steps: [
    { id: 'hello', module: 'message', config: { text: 'Hello from {{utm_source}} on the {{plan}} plan' }, next: 'email' },
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'draw' },
    { id: 'draw', module: 'giveaway', config: { frequency: 'once', confirmText: 'In the draw, {{utm_source}} reader' } },
  ],
};

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  workspace = await createWorkspace(storage, { name: 'Campaigns', allowedOrigins: [ORIGIN] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  await saveTestFlow(storage, workspace, 'campaign', flow);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

const auth = (extra: Record<string, unknown> = {}) => ({ workspace: workspace.id, flow: 'campaign', ...extra });

describe('host-page variables through the gateway', () => {
  it('become session variables before the first turn, and exports select them as variable.<name>', async () => {
    const chat = await connectChat(server.url, auth({ variables: { utm_source: 'newsletter', plan: 'pro' } }), { origin: ORIGIN });
    expect(chat.firstTurn.messages[0]).toEqual({ kind: 'text', text: 'Hello from newsletter on the pro plan' });
    expect(chat.firstTurn.module).toBe('email-capture');
    const ack = await chat.reply('ann@example.org');
    expect(ack.ok && ack.turn.messages).toEqual([{ kind: 'text', text: 'In the draw, newsletter reader' }]);
    chat.close();

    const rows = (await listStoreRows(storage, workspace.id, 'variables')).rows.filter((r) => r.moduleId === 'session');
    expect(rows.map((r) => r.data)).toEqual([{ host: { utm_source: 'newsletter', plan: 'pro' } }]);

    const contract = await OpenApiContract.fetch(server.url);
    const fields = await api(server.url, key, 'GET', '/api/v1/exports/fields?flow=campaign');
    expect(contract.check('listExportFields', 200, fields.body)).toEqual([]);
    const variableGroup = fields.body.groups.find((g: { group: string }) => g.group === 'variable');
    expect(variableGroup.fields.map((f: { key: string }) => f.key)).toEqual(expect.arrayContaining(['variable.utm_source', 'variable.utm_campaign']));

    const created = await api(server.url, key, 'POST', '/api/v1/exports', {
      name: 'Campaign entries',
      source: { flow: 'campaign' },
      scope: 'entries',
      fields: [
        { field: 'form.email', column: 'EMAIL' },
        { field: 'variable.utm_source', column: 'SOURCE' },
        { field: 'variable.plan', column: 'PLAN' },
      ],
      format: { type: 'csv', delimiter: ';' },
      fileNamePattern: '{export}',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const preview = await api(server.url, key, 'POST', `/api/v1/exports/${created.body.id}/preview`, {});
    expect(preview.body.rows).toEqual([['ann@example.org', 'newsletter', 'pro']]);
  });

  it('refuses a handshake whose variables break the rules, with code and path and without echoing the value', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ '1st': 'x' }, '/auth/variables/1st'],
      [{ n: 42 }, '/auth/variables/n'],
      [{ n: 'secret-value'.repeat(50) }, '/auth/variables/n'],
      [{ n: 'secret\u0000' }, '/auth/variables/n'],
      [{ n: 'secret\uD800' }, '/auth/variables/n'],
      [Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`v${i}`, 'x'])), '/auth/variables'],
    ];
    for (const [variables, path] of cases) {
      const refusal = await connectChat(server.url, auth({ variables }), { origin: ORIGIN }).catch((e: { data: unknown }) => e.data);
      expect(refusal, path).toMatchObject({ code: 'validation_failed', path });
      expect(JSON.stringify(refusal)).not.toContain('secret');
    }
    const notObject = await connectChat(server.url, auth({ variables: 'utm_source=x' }), { origin: ORIGIN }).catch((e: { data: unknown }) => e.data);
    expect(notObject).toMatchObject({ code: 'validation_failed', path: '/auth/variables' });
  });

  it('leaves a resumed session as it was: new variables apply to new sessions only', async () => {
    const first = await connectChat(server.url, auth({ variables: { utm_source: 'ads' } }), { origin: ORIGIN });
    first.close();
    const resumed = await connectChat(server.url, auth({ resumeToken: first.session.resumeToken, variables: { utm_source: 'changed' } }), { origin: ORIGIN });
    expect(resumed.session.sessionId).toBe(first.session.sessionId);
    expect(resumed.firstTurn.messages[0]).toEqual({ kind: 'text', text: 'Hello from ads on the  plan' });
    resumed.close();
    const rows = (await listStoreRows(storage, workspace.id, 'variables')).rows.filter((r) => r.sessionId === first.session.sessionId && r.moduleId === 'session');
    expect(rows.map((r) => r.data)).toEqual([{ host: { utm_source: 'ads' } }]);
  });

  it('writes no variables row when storage is off', async () => {
    const off = await createWorkspace(storage, { name: 'Off', allowedOrigins: [ORIGIN], storageEnabled: false });
    await saveTestFlow(storage, off, 'campaign', { name: 'Hi', steps: [{ id: 'hello', module: 'message', config: { text: 'Hi {{utm_source}}' } }] });
    const chat = await connectChat(server.url, { workspace: off.id, flow: 'campaign', variables: { utm_source: 'mail' } }, { origin: ORIGIN });
    expect(chat.firstTurn.messages[0]).toEqual({ kind: 'text', text: 'Hi mail' });
    chat.close();
    expect((await listStoreRows(storage, off.id, 'variables')).rows).toEqual([]);
  });
});
