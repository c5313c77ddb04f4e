import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, registry, saveTestFlow, TestVisitor } from '../../support/flow-harness.js';
import { FlowEngine } from '../../../runtime/engine/flow-engine.js';
import { countStatements, type StatementCounter } from '../../support/statement-counter.js';
import { listStoreRows } from '../../../storage/store-reader.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-09-01T12:00:00Z') });
});
afterAll(async () => storage.destroy());

/** Statements and round trips each call sends on the engine's pool. */
async function statementsOf<T>(counter: StatementCounter, work: () => Promise<T>): Promise<{ result: T; statements: number; roundTrips: number }> {
  counter.reset();
  const result = await work();
  return { result, statements: counter.count, roundTrips: counter.roundTrips };
}

describe('round trips of a chat turn', () => {
  it('a reply on the state this process kept is the session check and one write of session and store rows, one implicit transaction in one round trip; a start reads workspace and flow once and writes the session once', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'signup', {
      name: 'Signup',
      steps: [
        { id: 'hello', module: 'message', config: { text: 'Hello' }, next: 'pick' },
        { id: 'pick', module: 'choice', config: { text: 'Pick', options: [{ id: 'a', label: 'A' }] }, next: 'email' },
        { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'name' },
        { id: 'name', module: 'text-question', config: { question: 'Name?', variable: 'name' }, next: 'bye' },
        { id: 'bye', module: 'message', config: { text: 'Bye {{name}}' } },
      ],
    });
    const counter = countStatements(storage.pool);
    // A first visitor fills this process's caches (the flow definition, the workspace key).
    const first = visitor('signup');
    await first.start();
    await first.answer('a');
    await first.answer('first@example.org');
    await first.answer('First');

    const v = visitor('signup');
    const start = await statementsOf(counter, () => v.start());
    // Workspace and flow in one read, then the session insert (no transaction: no step needed one).
    expect(start).toMatchObject({ statements: 2, roundTrips: 2 });
    // A reply whose only statement is its last: the session update checks the session itself
    // (no separate check), and goes to the group commit, which sends it with no BEGIN or COMMIT.
    const choice = await statementsOf(counter, () => v.answer('a'));
    expect(choice).toMatchObject({ statements: 1, roundTrips: 1 });
    // The email's variables row goes with the session update, not on its own round trip.
    const email = await statementsOf(counter, () => v.answer('second@example.org'));
    expect(email).toMatchObject({ statements: 1, roundTrips: 1 });
    const name = await statementsOf(counter, () => v.answer('Second'));
    expect(name).toMatchObject({ statements: 1, roundTrips: 1 });
    expect(v.texts(name.result)).toEqual(['Bye Second']);

    // What flow statistics need of the turn rides in these same statements: the steps shown.
    const seen = await sql<{ steps_seen: string[] }>`select steps_seen from chat_sessions where id = ${v.sessionId}`.execute(storage.db);
    expect(seen.rows[0]?.steps_seen).toEqual(['hello', 'pick', 'email', 'name', 'bye']);

    const rows = await listStoreRows(storage, workspace.id, 'variables', { order: 'asc' });
    const mine = rows.rows.filter((r) => r.sessionId === v.sessionId).map((r) => r.data.variable);
    expect(mine.sort()).toEqual(['email', 'name']);
    expect(rows.rows).toHaveLength(4);
  });

  it('a reply another process took a turn before runs on the locking path: lock-and-load with BEGIN, then the write with COMMIT', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'steps', {
      name: 'Steps',
      steps: [
        { id: 'one', module: 'text-question', config: { question: 'One?', variable: 'one' }, next: 'two' },
        { id: 'two', module: 'text-question', config: { question: 'Two?', variable: 'two' }, next: 'three' },
        { id: 'three', module: 'text-question', config: { question: 'Three?', variable: 'three' }, next: 'bye' },
        { id: 'bye', module: 'message', config: { text: 'Bye {{one}} {{two}} {{three}}' } },
      ],
    });
    const counter = countStatements(storage.pool);
    const here = visitor('steps');
    await here.start();
    // Another process (another engine on the same database) takes the second turn.
    const elsewhere = new TestVisitor(new FlowEngine({ storage, registry, clock: storage.clock }), workspace.id, 'steps');
    elsewhere.sessionId = here.sessionId;
    await elsewhere.answer('first');
    // This process's kept state is one turn behind: the write, which checks the session itself, finds it
    // moved on and rolls back; the turn is taken again locked (BEGIN + lock-and-load, then write + COMMIT).
    const back = await statementsOf(counter, () => here.answer('second'));
    expect(back).toMatchObject({ statements: 1 + 2 + 2, roundTrips: 1 + 2 });
    expect(back.result.stepId).toBe('three');
    const done = await here.answer('third');
    expect(here.texts(done)).toEqual(['Bye first second third']);
  });

  it('an instant-win claim turn adds two statements in one round trip: the subject lock, then the win count and the claim together', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    storage.clock.set('2026-09-01T12:00:00Z');
    await saveTestFlow(storage, workspace, 'play', {
      name: 'Play',
      opensAt: '2026-09-01T11:00:00Z',
      closesAt: '2026-09-01T13:00:00Z',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'win' },
        { id: 'win', module: 'instant-win', config: { prizes: [{ id: 'mug', title: 'Mug', stock: 5 }], winText: 'WIN', loseText: 'LOSE' } },
      ],
    });
    storage.clock.set(new Date('2026-09-01T13:00:00Z').getTime() - 1);
    const counter = countStatements(storage.pool);
    const first = visitor('play');
    await first.start();
    await first.answer('one@example.org');

    const v = visitor('play');
    await v.start();
    const claim = await statementsOf(counter, () => v.answer('two@example.org'));
    // BEGIN, session check, subject lock, claim (the subject ledger shows no win); then session + variables + claims + winners rows with COMMIT.
    expect(claim).toMatchObject({ statements: 6, roundTrips: 2 });
    expect(v.texts(claim.result)).toEqual(['WIN']);
    const again = visitor('play');
    await again.start();
    expect(v.texts(await again.answer('two@example.org'))).toEqual(['LOSE']);
  });

  it('a giveaway entry turn checks "at most once" in its first round trip and writes the entry with the session in its last', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    storage.clock.set('2026-09-01T12:00:00Z');
    await saveTestFlow(storage, workspace, 'raffle', {
      name: 'Raffle',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'draw' },
        { id: 'draw', module: 'giveaway', config: { confirmText: 'IN', alreadyText: 'ALREADY', frequency: 'once' } },
      ],
    });
    const counter = countStatements(storage.pool);
    const v = visitor('raffle');
    await v.start();
    const entry = await statementsOf(counter, () => v.answer('three@example.org'));
    // BEGIN, session check, subject lock, ledger check; then session + variables + participations rows with COMMIT.
    expect(entry).toMatchObject({ statements: 6, roundTrips: 2 });
    expect(v.texts(entry.result)).toEqual(['IN']);
    const again = visitor('raffle');
    await again.start();
    // A subject the ledger has seen: the store is counted too (one more round trip), and refuses.
    const refused = await statementsOf(counter, () => again.answer('three@example.org'));
    expect(again.texts(refused.result)).toEqual(['ALREADY']);
    expect(refused).toMatchObject({ statements: 7, roundTrips: 3 });
    const rows = await listStoreRows(storage, workspace.id, 'participations', { limit: 10 });
    expect(rows.rows).toHaveLength(1);
  });
});
