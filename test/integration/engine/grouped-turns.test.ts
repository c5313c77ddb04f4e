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

  it("an instant-win reply whose shared group rolls back (another member's last statement refused) is taken again on the locking path and applies once", async () => {
    const { workspace, visitor } = await flowSetup(storage);
    const opensAt = new Date('2026-09-01T12:00:00Z');
    storage.clock.set(opensAt);
    const flow = await saveTestFlow(storage, workspace, 'shared-claims', {
      name: 'Shared claims',
      opensAt: opensAt.toISOString(),
      closesAt: new Date(opensAt.getTime() + 3_600_000).toISOString(),
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'win' },
        { id: 'win', module: 'instant-win', config: { prizes: [{ id: 'mug', title: 'a mug', stock: 5 }], winText: 'Won {{prize}}', loseText: 'Lost' } },
      ],
    });
    // Every moment is due; the second claim written is refused once (the first goes alone, the
    // others queue behind it and share the next group's transaction).
    storage.clock.set(new Date(opensAt.getTime() + 3_600_000 - 1));
    await sql`create sequence refuse_once`.execute(storage.db);
    await sql.raw(`create function refuse_second_claim() returns trigger language plpgsql as $$
      begin if nextval('refuse_once') = 2 then raise exception 'refused once'; end if; return new; end $$`).execute(storage.db);
    await sql`create trigger refuse_second_claim before insert on store_instant_win_claims for each row execute function refuse_second_claim()`.execute(storage.db);
    try {
      const visitors = Array.from({ length: 8 }, () => visitor('shared-claims'));
      for (const v of visitors) await v.start();
      const { result: acks, retried } = await recordGroupCommits(() => Promise.all(visitors.map((v, i) => v.send(`player.${i}@example.org`))));
      expect(retried.length).toBeGreaterThanOrEqual(1);
      expect(acks.every((ack) => ack.ok)).toBe(true);
      const texts = acks.map((ack) => (ack.ok ? visitors[0]!.texts(ack.turn)[0] : undefined));
      expect(texts.filter((t) => t === 'Won a mug')).toHaveLength(5);
      expect(texts.filter((t) => t === 'Lost')).toHaveLength(3);
      // One refused attempt, then each of the eight once; the rolled-back claims gave their moments back.
      const found = await sql<{ attempts: string; claims: number; sessions: number; winners: number; claimed: number; matched: number }>`
        select (select last_value from refuse_once)::text as attempts,
          (select count(*)::int from store_instant_win_claims where flow_id = ${flow.id}) as claims,
          (select count(distinct session_id)::int from store_instant_win_claims where flow_id = ${flow.id}) as sessions,
          (select count(*)::int from store_winners where flow_id = ${flow.id}) as winners,
          (select count(*)::int from instant_win_moments where flow_id = ${flow.id} and claimed_at is not null) as claimed,
          (select count(*)::int from instant_win_moments m join store_winners w on w.session_id = m.claimed_by_session where m.flow_id = ${flow.id}) as matched`.execute(storage.db);
      expect(found.rows[0]).toEqual({ attempts: '9', claims: 8, sessions: 8, winners: 5, claimed: 5, matched: 5 });
    } finally {
      await sql`drop trigger refuse_second_claim on store_instant_win_claims`.execute(storage.db);
    }
  });
});
