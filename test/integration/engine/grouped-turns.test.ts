import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, registry, saveTestFlow, TestVisitor } from '../../support/flow-harness.js';
import { FlowEngine } from '../../../runtime/engine/flow-engine.js';
import { recordGroupCommits } from '../../support/group-commit-events.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-09-01T12:00:00Z') });
});
afterAll(async () => storage.destroy());

const FLOW = {
  name: 'Grouped',
  steps: [
    { id: 'one', module: 'text-question', config: { question: 'One?', variable: 'one' }, next: 'two' },
    { id: 'two', module: 'text-question', config: { question: 'Two?', variable: 'two' }, next: 'bye' },
    { id: 'bye', module: 'message', config: { text: 'Bye {{one}} {{two}}' } },
  ],
};

describe('chat turns committed by group', () => {
  it('replies of many visitors go out together; one whose session another process moved on fails its group, and every reply still applies exactly once', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'grouped', FLOW);
    const visitors = Array.from({ length: 12 }, () => visitor('grouped'));
    for (const v of visitors) await v.start();
    // Another process takes the first turn of visitor 6: this process's kept state of it is now stale.
    const moved = visitors[6]!;
    const elsewhere = new TestVisitor(new FlowEngine({ storage, registry, clock: storage.clock }), workspace.id, 'grouped');
    elsewhere.sessionId = moved.sessionId;
    await elsewhere.answer('first-6');

    const { result: acks, groups, retried } = await recordGroupCommits(() => Promise.all(visitors.map((v, i) => v.send(`first-${i}`))));

    // Groups formed, and the one carrying the stale check was refused and run again member by member.
    expect(Math.max(...groups)).toBeGreaterThan(1);
    expect(retried.length).toBe(1);
    expect(acks.every((ack) => ack.ok)).toBe(true);
    // The moved-on visitor's reply was taken again on the locking path: it answered the second question and ended the flow.
    expect(acks.map((ack) => ack.ok && ack.turn.stepId)).toEqual(visitors.map((_, i) => (i === 6 ? null : 'two')));

    const done = await Promise.all(visitors.map((v, i) => (i === 6 ? Promise.resolve(v.turn!) : v.answer(`second-${i}`))));
    expect(done.map((turn) => moved.texts(turn))).toEqual(visitors.map((_, i) => [i === 6 ? 'Bye first-6 first-6' : `Bye first-${i} second-${i}`]));
    // One variables row per answer, none twice.
    const rows = await sql<{ n: number }>`
      select count(*)::int as n from store_variables where workspace_id = ${workspace.id}`.execute(storage.db);
    expect(rows.rows[0]!.n).toBe(24);
  });
});
