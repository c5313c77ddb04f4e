import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { connectChat } from '../../support/chat-client.js';
import { startServerProcess, type ServerProcess } from '../../support/server-process.js';
import { api } from '../../support/test-server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { countStoreRows } from '../../../storage/store-reader.js';
import { sql } from 'kysely';

let storage: TestStorage;
let workspace: Workspace;
let key: string;
const processes: ServerProcess[] = [];

const signup = {
  name: 'Signup',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'why' },
    { id: 'why', module: 'text-question', config: { question: 'Why?', variable: 'why' }, next: 'bye' },
    { id: 'bye', module: 'message', config: { text: 'Thanks' } },
  ],
};

beforeAll(async () => {
  storage = await createTestStorage();
  workspace = await createWorkspace(storage, { name: 'Per-module storage' });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  for (let i = 0; i < 2; i += 1) processes.push(await startServerProcess({ databaseUrl: storage.url, masterKey: storage.masterKey }));
  expect((await api(processes[0]!.url, key, 'PUT', '/api/v1/flows/signup', signup)).status).toBe(201);
}, 120_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  await storage.destroy();
});

const rowsByModule = async () =>
  (await sql<{ module_id: string; n: number }>`
    select module_id, count(*)::int as n from store_variables where workspace_id = ${workspace.id} group by module_id order by module_id`.execute(storage.db)).rows;

describe("a module's storage switched off", () => {
  it('is honoured by the other process on its next turn: that module writes no row, the others still do', async () => {
    const [chatProcess, adminProcess] = processes as [ServerProcess, ServerProcess];
    const auth = { workspace: workspace.id, flow: 'signup' };

    // The chat process has served this workspace with every module storing: its caches are warm.
    const before = await connectChat(chatProcess.url, auth);
    expect((await before.reply('before.switch@example.org')).ok).toBe(true);
    expect((await before.reply('kept-before-the-switch')).ok).toBe(true);
    before.close();
    expect(await rowsByModule()).toEqual([{ module_id: 'email-capture', n: 1 }, { module_id: 'text-question', n: 1 }]);
    const during = await connectChat(chatProcess.url, auth);

    const patched = await api(adminProcess.url, key, 'PATCH', '/api/v1/workspace', { storageOffModules: ['email-capture'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ storageEnabled: true, storageOffModules: ['email-capture'] });
    const modules = (await api(adminProcess.url, key, 'GET', '/api/v1/modules')).body.modules;
    expect(modules.find((m: { id: string }) => m.id === 'email-capture').storesData).toBe(false);
    expect(modules.find((m: { id: string }) => m.id === 'text-question').storesData).toBe(true);

    // A session that began before the switch, continued after it on the other process.
    expect((await during.reply('mid.session@example.org')).ok).toBe(true);
    const done = await during.reply('stored-after-the-switch');
    expect(done.ok && done.turn.done).toBe(true);
    during.close();

    expect(await rowsByModule()).toEqual([{ module_id: 'email-capture', n: 1 }, { module_id: 'text-question', n: 2 }]);
    expect(await countStoreRows(storage, workspace.id)).toMatchObject({ variables: 3 });

    // Switched on again, the module stores again.
    expect((await api(adminProcess.url, key, 'PATCH', '/api/v1/workspace', { storageOffModules: [] })).status).toBe(200);
    const after = await connectChat(chatProcess.url, auth);
    expect((await after.reply('after.switch@example.org')).ok).toBe(true);
    after.close();
    expect(await rowsByModule()).toEqual([{ module_id: 'email-capture', n: 2 }, { module_id: 'text-question', n: 2 }]);
  });

  it('refuses a flow whose step needs storage while its module is off, with the step path; and an unknown module', async () => {
    const [, adminProcess] = processes as [ServerProcess, ServerProcess];
    expect((await api(adminProcess.url, key, 'PATCH', '/api/v1/workspace', { storageOffModules: ['giveaway'] })).status).toBe(200);
    try {
      const refused = await api(adminProcess.url, key, 'PUT', '/api/v1/flows/raffle', {
        name: 'Raffle',
        steps: [{ id: 'email', module: 'email-capture', config: { question: 'Email?' } }, { id: 'draw', module: 'giveaway', config: { frequency: 'once' } }],
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toEqual({
        code: 'storage_disabled',
        message: `Step 2 (Giveaway (raffle entry)) needs storage: switch "Store this module's data" on for Giveaway (raffle entry)`,
        path: '/steps/1/module',
      });
      // A module that runs fine without storage is saved with its storage off.
      expect((await api(adminProcess.url, key, 'PUT', '/api/v1/flows/hello', { name: 'Hello', steps: [{ id: 'email', module: 'email-capture', config: { question: 'Email?' } }] })).status).toBe(201);
    } finally {
      await api(adminProcess.url, key, 'PATCH', '/api/v1/workspace', { storageOffModules: [] });
    }
    const unknown = await api(adminProcess.url, key, 'PATCH', '/api/v1/workspace', { storageOffModules: ['message', 'no-such-module'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'config_invalid', path: '/storageOffModules/1' });
    const audit = (await api(adminProcess.url, key, 'GET', '/api/v1/audit')).body.entries;
    expect(audit.filter((e: { action: string }) => e.action === 'workspace.module_storage_changed').length).toBeGreaterThanOrEqual(2);
  });
});
