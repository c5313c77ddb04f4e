import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { DRAW_ALGORITHM, drawGiveawayWinners, listGiveawayDraws, type DrawRequest } from '../../../storage/giveaway-draw-repository.js';
import type { ParleyError } from '../../../core/errors.js';
import { anonymizeSubjectRows } from '../../../storage/subject-anonymization.js';
import { replayGiveawayDraw } from '../../../storage/giveaway-draw-replay.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2024-06-03T10:00:00Z') });
});
afterAll(async () => storage.destroy());

const DAY = 86_400_000;

/** A workspace with an unlimited raffle; `enter(email)` adds one participation through the engine. */
async function setup() {
  const { workspace, visitor } = await flowSetup(storage);
  const flow = await saveTestFlow(storage, workspace, 'raffle', {
    name: 'Raffle',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'draw' },
      { id: 'draw', module: 'giveaway', config: { frequency: 'unlimited' } },
    ],
  });
  const key = await issueApiKey(storage.db, workspace.id, { name: 'draws' });
  const refs = new Map<string, string>();
  const enter = async (email: string) => {
    storage.clock.advance(1000);
    const v = visitor('raffle');
    await v.start();
    await v.answer(email);
    const rows = await listStoreRows(storage, workspace.id, 'participations', { flowId: flow.id, limit: 1 });
    refs.set(rows.rows[0]!.participantRef!, email);
  };
  const request = (count: number, extra: Partial<DrawRequest> = {}): DrawRequest => ({
    workspaceId: workspace.id, flowId: flow.id, moduleId: 'giveaway', stepId: 'draw', count, now: storage.clock.now(), drawnBy: key.id, ...extra,
  });
  return { workspace, flow, key, enter, refs, request };
}

/** Runs one draw in a transaction that is rolled back, so the pool stays the same for the next. */
async function drawAndRollBack(request: DrawRequest): Promise<string[]> {
  let refs: string[] = [];
  const rollback = new Error('rollback');
  await storage.db.transaction().execute(async (db) => {
    const result = await drawGiveawayWinners({ ...storage, db }, request);
    refs = result.winners.map((w) => w.participantRef!);
    throw rollback;
  }).catch((error: unknown) => {
    if (error !== rollback) throw error;
  });
  return refs;
}

describe('giveaway winner draw', () => {
  it('gives one chance per participant, however many entries: a draw of 3 among 3 people (7 entries) picks each person once', async () => {
    const { enter, refs, request } = await setup();
    for (let i = 0; i < 5; i += 1) await enter('keen@example.org');
    await enter('calm@example.org');
    await enter('shy@example.org');
    const picked = await drawAndRollBack(request(3));
    expect(picked.map((ref) => refs.get(ref)).sort()).toEqual(['calm@example.org', 'keen@example.org', 'shy@example.org']);
    const one = await drawGiveawayWinners(storage, request(10));
    expect(one.participants).toBe(3);
  });

  it('leaves out an entry stamped after the draw\'s instant though committed before it read the pool, as its replay does: the draw verifies', async () => {
    const { workspace, flow, enter, refs, request } = await setup();
    await enter('early@example.org');
    await enter('prompt@example.org');
    const drawn = request(2);
    // A turn stamped a second after the draw's instant commits before the draw reads its pool.
    await enter('late@example.org');
    const result = await drawGiveawayWinners(storage, drawn);
    expect(result.participants).toBe(2);
    expect(result.winners.map((w) => refs.get(w.participantRef!)).sort()).toEqual(['early@example.org', 'prompt@example.org']);
    const replay = await replayGiveawayDraw(storage.db, { workspaceId: workspace.id, flowId: flow.id, moduleId: 'giveaway' }, result.drawId);
    expect(replay).toMatchObject({ matches: true, checks: { commitment: 'ok', selection: 'ok', pool: 'ok', winners: 'ok' } });
  });

  it('never draws an anonymized participant: nothing is left to reach a winner by', async () => {
    const { workspace, enter, refs, request } = await setup();
    for (const email of ['gone@example.org', 'calm@example.org', 'shy@example.org']) await enter(email);
    await anonymizeSubjectRows(storage, workspace.id, 'gone@example.org');
    const drawn = await drawGiveawayWinners(storage, request(10));
    expect(drawn.participants).toBe(2);
    expect(drawn.winners.map((w) => refs.get(w.participantRef!)).sort()).toEqual(['calm@example.org', 'shy@example.org']);
  });

  it('draws uniformly through the database with the real RNG: 600 draws of 1 among 3 (one with 5 entries) land within ±30% of 200 each', async () => {
    // Four identical giveaways drawn side by side (draws of one flow are serialized), 150 draws each.
    // 200 ± 60 is more than 5 standard deviations (σ ≈ 11.5): a failure means bias, not bad luck.
    // The 3000-draw ±15% check of the sampler itself is in modules/giveaway/giveaway-draw.test.ts.
    const giveaways = await Promise.all(Array.from({ length: 4 }, () => setup()));
    for (const { enter } of giveaways) {
      for (let i = 0; i < 5; i += 1) await enter('keen@example.org');
      await enter('calm@example.org');
      await enter('shy@example.org');
    }
    const counts = new Map<string, number>();
    await Promise.all(giveaways.map(async ({ refs, request }) => {
      for (let i = 0; i < 150; i += 1) {
        const winners = await drawAndRollBack(request(1));
        expect(winners).toHaveLength(1);
        const email = refs.get(winners[0]!)!;
        counts.set(email, (counts.get(email) ?? 0) + 1);
      }
    }));
    expect([...counts.keys()].sort()).toEqual(['calm@example.org', 'keen@example.org', 'shy@example.org']);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThanOrEqual(140);
      expect(n).toBeLessThanOrEqual(260);
    }
  });

  it('writes distinct winners with their email, records the draw, and never draws a previous winner again', async () => {
    const { workspace, flow, key, enter, refs, request } = await setup();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await enter(`${name}@example.org`);
    await enter('a@example.org');

    const first = await drawGiveawayWinners(storage, request(3));
    expect(first.participants).toBe(5);
    expect(first.winners).toHaveLength(3);
    expect(new Set(first.winners.map((w) => w.participantRef)).size).toBe(3);
    const winners = await listStoreRows(storage, workspace.id, 'winners', { flowId: flow.id });
    expect(winners.rows).toHaveLength(3);
    for (const row of winners.rows) {
      expect(row).toMatchObject({ moduleId: 'giveaway', stepId: 'draw', data: { source: 'giveaway-draw', drawId: first.drawId } });
      expect(row.personal).toEqual({ email: refs.get(row.participantRef!) });
      expect(first.winners.map((w) => w.rowId)).toContain(row.id);
    }

    storage.clock.advance(60_000);
    const second = await drawGiveawayWinners(storage, request(10, { now: storage.clock.now() }));
    expect(second.participants).toBe(2);
    expect(second.winners).toHaveLength(2);
    const everyone = [...first.winners, ...second.winners].map((w) => refs.get(w.participantRef!)).sort();
    expect(new Set(everyone).size).toBe(5);

    const third = await drawGiveawayWinners(storage, request(1, { now: storage.clock.now() }));
    expect(third).toMatchObject({ participants: 0, winners: [] });

    const draws = await listGiveawayDraws(storage.db, workspace.id, flow.id);
    expect(draws.map((d) => [d.id, d.requested, d.drawn, d.participantsCount])).toEqual([
      [third.drawId, 1, 0, 0],
      [second.drawId, 10, 2, 2],
      [first.drawId, 3, 3, 5],
    ]);
    expect(draws[2]).toMatchObject({ flowId: flow.id, stepId: 'draw', drawnByKeyId: key.id, algorithm: DRAW_ALGORITHM });
    expect(draws[2]!.poolDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(draws)).not.toContain('@example.org');
  });

  it('a flow-wide draw pools every giveaway step; earlier winners of the flow or of the step are excluded', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'double', {
      name: 'Double',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'first' },
        { id: 'first', module: 'giveaway', config: { frequency: 'unlimited' }, next: 'second' },
        { id: 'second', module: 'giveaway', config: { frequency: 'unlimited' } },
      ],
    });
    const key = await issueApiKey(storage.db, workspace.id);
    for (const email of ['p@example.org', 'q@example.org', 'r@example.org']) {
      const v = visitor('double');
      await v.start();
      await v.answer(email);
    }
    const base = { workspaceId: workspace.id, flowId: flow.id, moduleId: 'giveaway', now: storage.clock.now(), drawnBy: key.id };
    const stepDraw = await drawGiveawayWinners(storage, { ...base, stepId: 'first', count: 1 });
    expect(stepDraw.participants).toBe(3);
    const flowDraw = await drawGiveawayWinners(storage, { ...base, count: 1 });
    expect(flowDraw.participants).toBe(2);
    const secondStep = await drawGiveawayWinners(storage, { ...base, stepId: 'second', count: 5 });
    expect(secondStep.participants).toBe(2);
    const flowWinner = flowDraw.winners[0]!.participantRef;
    expect(secondStep.winners.map((w) => w.participantRef)).not.toContain(flowWinner);
    const winners = await listStoreRows(storage, workspace.id, 'winners', { flowId: flow.id });
    expect(winners.rows.map((r) => r.stepId).sort()).toEqual(['first', 'second', 'second', null].sort());
  });

  it('excludes expired participations from the pool', async () => {
    const { enter, refs, request } = await setup();
    await enter('old@example.org');
    storage.clock.advance(30 * DAY);
    await enter('mid@example.org');
    await enter('new@example.org');
    storage.clock.advance(31 * DAY); // the first entry (60-day retention) has now expired
    const result = await drawGiveawayWinners(storage, request(10, { now: storage.clock.now() }));
    expect(result.participants).toBe(2);
    expect(result.winners.map((w) => refs.get(w.participantRef!)).sort()).toEqual(['mid@example.org', 'new@example.org']);
  });

  it('refuses a count outside 1..10000 and a flow of another workspace', async () => {
    const { request } = await setup();
    const other = await setup();
    for (const count of [0, 1.5, 10_001]) {
      expect(await drawGiveawayWinners(storage, request(count)).catch((e: ParleyError) => e)).toMatchObject({ code: 'validation_failed', path: '/count' });
    }
    expect(await drawGiveawayWinners(storage, request(1, { flowId: other.flow.id })).catch((e: ParleyError) => e)).toMatchObject({ code: 'not_found' });
  });
});
