import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { connectChat } from '../../support/chat-client.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { startServerProcess, type ServerProcess } from '../../support/server-process.js';
import { api } from '../../support/test-server.js';
import { tablesContaining } from '../../support/find-text.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { countStoreRows } from '../../../storage/store-reader.js';

let storage: TestStorage;
let workspace: Workspace;
let key: string;
const processes: ServerProcess[] = [];

beforeAll(async () => {
  storage = await createTestStorage();
  workspace = await createWorkspace(storage, { name: 'Switched off elsewhere' });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  await saveTestFlow(storage, workspace, 'signup', {
    name: 'Signup',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'why' },
      { id: 'why', module: 'text-question', config: { question: 'Why?', variable: 'why' }, next: 'bye' },
      { id: 'bye', module: 'message', config: { text: 'Thanks' } },
    ],
  });
  for (let i = 0; i < 2; i += 1) processes.push(await startServerProcess({ databaseUrl: storage.url, masterKey: storage.masterKey }));
}, 120_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  await storage.destroy();
});

const personalOf = async (sessionId: string) =>
  (await sql<{ personal: Buffer | null }>`select personal from chat_sessions where id = ${sessionId}`.execute(storage.db)).rows[0]?.personal;

describe('storage switched off on another process', () => {
  it('once the switch is acknowledged by one process, chat turns on the other write nothing personal, mid-session or new', async () => {
    const [chatProcess, adminProcess] = processes as [ServerProcess, ServerProcess];
    const auth = { workspace: workspace.id, flow: 'signup' };

    // The chat process has served this workspace with storage on: its caches are warm.
    const before = await connectChat(chatProcess.url, auth);
    expect((await before.reply('before.switch@example.org')).ok).toBe(true);
    expect((await before.reply('kept-before-the-switch')).ok).toBe(true);
    before.close();
    expect(await countStoreRows(storage, workspace.id)).toMatchObject({ variables: 2 });
    const during = await connectChat(chatProcess.url, auth);
    expect(await personalOf(during.session.sessionId)).not.toBeNull();

    const patched = await api(adminProcess.url, key, 'PATCH', '/api/v1/workspace', { storageEnabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body.storageEnabled).toBe(false);

    // A session that began with storage on, continued after the switch.
    const mid = await during.reply('mid.session@example.org');
    expect(mid.ok).toBe(true);
    const midAnswer = await during.reply('secret-after-the-switch');
    expect(midAnswer.ok && midAnswer.turn.done).toBe(true);
    during.close();
    // A session started after the switch.
    const after = await connectChat(chatProcess.url, auth);
    expect((await after.reply('after.switch@example.org')).ok).toBe(true);
    expect((await after.reply('another-secret-after')).ok).toBe(true);
    after.close();

    expect(await countStoreRows(storage, workspace.id)).toMatchObject({ variables: 2 });
    for (const needle of ['mid.session', 'secret-after-the-switch', 'after.switch', 'another-secret-after']) {
      expect(await tablesContaining(storage.db, needle)).toEqual([]);
    }
    expect(await personalOf(during.session.sessionId)).toBeNull();
    expect(await personalOf(after.session.sessionId)).toBeNull();
  });
});
