import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { connectChat } from '../../support/chat-client.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { startServerProcess, type ServerProcess } from '../../support/server-process.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { listStoreRows } from '../../../storage/store-reader.js';

let storage: TestStorage;
let workspace: Workspace;
const processes: ServerProcess[] = [];

beforeAll(async () => {
  storage = await createTestStorage();
  workspace = await createWorkspace(storage, { name: 'Failover' });
  await saveTestFlow(storage, workspace, 'quiz', {
    name: 'Quiz',
    steps: [
      { id: 'q1', module: 'text-question', config: { question: 'First?', variable: 'a' }, next: 'q2' },
      { id: 'q2', module: 'text-question', config: { question: 'Second?', variable: 'b' }, next: 'q3' },
      { id: 'q3', module: 'text-question', config: { question: 'Third?', variable: 'c' }, next: 'bye' },
      { id: 'bye', module: 'message', config: { text: '{{a}}-{{b}}-{{c}}' } },
    ],
  });
  for (let i = 0; i < 2; i += 1) processes.push(await startServerProcess({ databaseUrl: storage.url, masterKey: storage.masterKey }));
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  await storage.destroy();
});

describe('two server processes on one database', () => {
  it('continues a session on the second process after the first is killed, with no step lost or repeated', async () => {
    const [first, second] = processes as [ServerProcess, ServerProcess];
    const auth = { workspace: workspace.id, flow: 'quiz' };
    const a = await connectChat(first.url, auth);
    expect(a.firstTurn.messages).toEqual([{ kind: 'text', text: 'First?' }]);
    const one = await a.reply('one');
    expect(one.ok && one.turn).toMatchObject({ seq: 2, stepId: 'q2' });

    await first.kill();
    const b = await connectChat(second.url, { ...auth, resumeToken: a.session.resumeToken });
    expect(b.session.sessionId).toBe(a.session.sessionId);
    expect(b.firstTurn).toMatchObject({ seq: 2, stepId: 'q2', messages: [{ kind: 'text', text: 'Second?' }] });
    const two = await b.reply('two');
    expect(two.ok && two.turn).toMatchObject({ seq: 3, stepId: 'q3' });
    const three = await b.reply('three');
    expect(three.ok && three.turn).toMatchObject({ seq: 4, done: true, messages: [{ kind: 'text', text: 'one-two-three' }] });
    b.close();

    const rows = await listStoreRows(storage, workspace.id, 'variables', { order: 'asc' });
    expect(rows.rows.map((r) => r.data.variable)).toEqual(['a', 'b', 'c']);
  });
});
