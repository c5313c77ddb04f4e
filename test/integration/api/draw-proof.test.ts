import { createHash, createHmac } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { startTestServer } from '../../support/test-server.js';
import { contractCaller, OpenApiContract } from '../../support/openapi-contract.js';
import { flowSetup } from '../../support/flow-harness.js';
import type { RunningServer } from '../../../runtime/server.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { waitUntil } from '../../support/wait-until.js';

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2025-04-07T09:00:00Z') });
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

const EMAILS = ['ann@example.org', 'bob@example.org', 'cy@example.org', 'di@example.org', 'ed@example.org', 'flo@example.org', 'gus@example.org'];

/** A workspace with a raffle of seven participants; `call` checks every response against the OpenAPI document. */
async function raffle() {
  const { workspace, visitor } = await flowSetup(storage);
  const key = (await issueApiKey(storage.db, workspace.id, { name: 'draw-proof' })).key;
  const call = contractCaller(server.url, key, contract);
  const document = {
    name: 'Raffle',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'entry' },
      { id: 'entry', module: 'giveaway', config: {} },
    ],
  };
  expect((await call('saveFlow', 'PUT', '/flows/raffle', document)).status).toBe(201);
  for (const email of EMAILS) {
    storage.clock.advance(1000);
    const v = visitor('raffle');
    await v.start();
    await v.answer(email);
  }
  storage.clock.advance(1000);
  return { workspace, call, visitor };
}

type Call = Awaited<ReturnType<typeof raffle>>['call'];

async function winnerRows(workspaceId: string, drawId: string) {
  const rows = await sql<{ id: string; subject_hash: Buffer }>`
    select id, subject_hash from store_winners where workspace_id = ${workspaceId} and data->>'drawId' = ${drawId}
    order by (data->>'rank')::integer`.execute(storage.db);
  return rows.rows;
}

/**
 * The documented algorithm, written out again here as an outside auditor would: HMAC-SHA256 of
 * `${poolDigest}:${counter}` keyed with the seed, 48-bit words with rejection, partial Fisher–Yates.
 */
function auditorPositions(seedHex: string, poolDigest: string, size: number, count: number): number[] {
  const seed = Buffer.from(seedHex, 'hex');
  let counter = 0;
  const random = (max: number) => {
    const limit = 2 ** 48 - (2 ** 48 % max);
    for (;;) {
      counter += 1;
      const word = createHmac('sha256', seed).update(`${poolDigest}:${counter}`).digest().readUIntBE(0, 6);
      if (word < limit) return word % max;
    }
  };
  const slots = Array.from({ length: size }, (_, i) => i);
  const picks: number[] = [];
  for (let i = 0; i < Math.min(count, size); i += 1) {
    const j = i + random(size - i);
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
    picks.push(slots[i]!);
  }
  return picks;
}

describe('concurrent and repeated draw requests', () => {
  it('two draws of the same giveaway at the same moment: one draw of 3 winners and one 409', async () => {
    const { workspace, call } = await raffle();
    // An auditor's session holds giveaway_draws, so whichever draw gets in first stays in progress.
    const blocker = new pg.Client({ connectionString: storage.url });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table giveaway_draws in share mode');
      const requests = [call('createDraw', 'POST', '/flows/raffle/draws', { count: 3 }), call('createDraw', 'POST', '/flows/raffle/draws', { count: 3 })];
      const first = await Promise.race(requests);
      expect(first.status).toBe(409);
      expect(first.body.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/already running/) });
      await blocker.query('commit');
      const [a, b] = await Promise.all(requests);
      const made = [a!, b!].find((r) => r.status !== 409)!;
      expect(made.status).toBe(201);
      expect(made.body.winners).toHaveLength(3);
    } finally {
      await blocker.end();
    }
    const listed = await call('listDraws', 'GET', '/flows/raffle/draws');
    expect(listed.body.draws).toHaveLength(1);
    expect(listed.body.draws[0]).toMatchObject({ requested: 3, drawn: 3, participants: 7 });
    const winners = await sql<{ n: string }>`select count(*) as n from store_winners where workspace_id = ${workspace.id}`.execute(storage.db);
    expect(Number(winners.rows[0]!.n)).toBe(3);
  });

  it('the same Idempotency-Key twice gives the same draw back (200), drawing nothing again; reused for another request it is refused', async () => {
    const { workspace, call } = await raffle();
    const key = { 'Idempotency-Key': 'draw-2025-04-07-main' };
    const first = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 3 }, key);
    expect(first.status).toBe(201);
    const again = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 3 }, { 'idempotency-key': 'draw-2025-04-07-main' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await call('listDraws', 'GET', '/flows/raffle/draws')).body.draws).toHaveLength(1);
    expect(await winnerRows(workspace.id, first.body.drawId)).toHaveLength(3);

    const changed = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 2 }, key);
    expect(changed.status).toBe(400);
    expect(changed.body.error).toMatchObject({ code: 'validation_failed', path: '/headers/Idempotency-Key' });
    const bad = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 3 }, { 'Idempotency-Key': 'x'.repeat(201) });
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', path: '/headers/Idempotency-Key' });
    // Without a key every request is a new draw (earlier winners excluded).
    expect((await call('createDraw', 'POST', '/flows/raffle/draws', { count: 3 })).body.participants).toBe(4);
    const log = await call('listAudit', 'GET', '/audit');
    expect(log.body.entries.filter((e: { action: string }) => e.action === 'draw.created')).toHaveLength(2);
  });

  it('one Idempotency-Key sent for two giveaways at the same moment: one draw, the other request 409', async () => {
    const { call } = await raffle();
    const document = {
      name: 'Double',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'first' },
        { id: 'first', module: 'giveaway', config: {}, next: 'second' },
        { id: 'second', module: 'giveaway', config: {} },
      ],
    };
    expect((await call('saveFlow', 'PUT', '/flows/double', document)).status).toBe(201);
    const blocker = new pg.Client({ connectionString: storage.url });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table giveaway_draws in share mode');
      const key = { 'Idempotency-Key': 'both-steps' };
      const requests = ['first', 'second'].map((stepId) => call('createDraw', 'POST', '/flows/double/draws', { count: 1, stepId }, key));
      // Different steps do not exclude each other: both draws get as far as recording themselves.
      await waitUntil(async () => {
        const waiting = await blocker.query(`select count(*)::int as n from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'giveaway_draws' and not l.granted`);
        return waiting.rows[0].n === 2 || undefined;
      }, { what: 'both draws to wait on giveaway_draws' });
      await blocker.query('commit');
      const statuses = (await Promise.all(requests)).map((r) => (r.status === 409 ? r.body.error.details.reason : r.status));
      expect(statuses.sort()).toEqual([201, 'idempotency_key_in_use']);
    } finally {
      await blocker.end();
    }
    expect((await call('listDraws', 'GET', '/flows/double/draws')).body.draws).toHaveLength(1);
  });
});

describe('verifiable draws', () => {
  it('publishes the seed commitment before the draw; the draw reveals the seed and anyone recomputes the winners from it', async () => {
    const { workspace, call } = await raffle();
    const prepared = await call('commitDrawSeed', 'POST', '/flows/raffle/draws/commitments', {});
    expect(prepared.status).toBe(201);
    expect((await call('commitDrawSeed', 'POST', '/flows/raffle/draws/commitments', {})).body).toEqual(prepared.body);
    const published = await call('listDrawCommitments', 'GET', '/flows/raffle/draws/commitments');
    expect(published.body.commitments).toEqual([{ stepId: null, commitment: prepared.body.commitment, committedAt: prepared.body.committedAt }]);

    storage.clock.advance(60_000);
    const draw = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 3 });
    expect(draw.body.seed).toEqual({ seed: expect.stringMatching(/^[0-9a-f]{64}$/), commitment: prepared.body.commitment, committedAt: prepared.body.committedAt });
    expect(createHash('sha256').update(Buffer.from(draw.body.seed.seed, 'hex')).digest('hex')).toBe(prepared.body.commitment);

    // The auditor's own recomputation: the pool is the participants' subject hashes sorted bytewise.
    const pool = await sql<{ subject_hash: Buffer }>`
      select distinct subject_hash from store_participations where workspace_id = ${workspace.id} order by subject_hash`.execute(storage.db);
    const digest = createHash('sha256').update(Buffer.concat(pool.rows.map((r) => r.subject_hash))).digest('hex');
    expect(draw.body.poolDigest).toBe(digest);
    const positions = auditorPositions(draw.body.seed.seed, digest, pool.rows.length, 3);
    const winners = await winnerRows(workspace.id, draw.body.drawId);
    expect(winners.map((w) => w.subject_hash.toString('hex'))).toEqual(positions.map((p) => pool.rows[p]!.subject_hash.toString('hex')));

    // The used seed is gone from the commitments; the next draw's is already published.
    const next = (await call('listDrawCommitments', 'GET', '/flows/raffle/draws/commitments')).body.commitments;
    expect(next).toHaveLength(1);
    expect(next[0].commitment).not.toBe(prepared.body.commitment);
    const replay = await call('replayDraw', 'GET', `/flows/raffle/draws/${draw.body.drawId}/replay`);
    expect(replay.body).toMatchObject({ matches: true, checks: { commitment: 'ok', selection: 'ok', pool: 'ok', winners: 'ok' }, recomputedPositions: positions });
    expect(JSON.stringify(replay.body)).not.toContain('@example.org');
  });

  it('commits the seeds of the next draws when the flow closes; the draws after it use them', async () => {
    const { call } = await raffle();
    expect((await call('listDrawCommitments', 'GET', '/flows/raffle/draws/commitments')).body.commitments).toEqual([]);
    const closedAt = storage.clock.now().toISOString();
    expect((await call('closeFlow', 'POST', '/flows/raffle/close')).status).toBe(200);
    const published = (await call('listDrawCommitments', 'GET', '/flows/raffle/draws/commitments')).body.commitments;
    expect(published).toEqual([
      { stepId: null, commitment: expect.stringMatching(/^[0-9a-f]{64}$/), committedAt: closedAt },
      { stepId: 'entry', commitment: expect.stringMatching(/^[0-9a-f]{64}$/), committedAt: closedAt },
    ]);
    storage.clock.advance(86_400_000);
    const flowWide = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 2 });
    expect(flowWide.body.seed).toMatchObject({ commitment: published[0].commitment, committedAt: closedAt });
    const step = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 2, stepId: 'entry' });
    expect(step.body.seed).toMatchObject({ commitment: published[1].commitment, committedAt: closedAt });
    for (const draw of [flowWide, step]) expect((await call('replayDraw', 'GET', `/flows/raffle/draws/${draw.body.drawId}/replay`)).body.matches).toBe(true);
  });

  it('replays every draw of a flow as matching, also after later draws and entries', async () => {
    const { call, visitor } = await raffle();
    const first = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 2, stepId: 'entry' });
    storage.clock.advance(5_000);
    const second = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 2, stepId: 'entry' });
    expect(second.body.participants).toBe(5);
    // The second draw of the step used the seed the first one committed, dated before it.
    expect(Date.parse(second.body.seed.committedAt)).toBe(storage.clock.now().getTime() - 5_000);
    // No flow-wide seed was ever committed: this draw's commitment is dated the draw itself.
    const third = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 1 });
    expect(third.body).toMatchObject({ participants: 3, seed: { committedAt: storage.clock.now().toISOString() } });
    storage.clock.advance(5_000);
    const late = visitor('raffle');
    await late.start();
    await late.answer('late@example.org');
    for (const draw of [first, second, third]) {
      const replay = await call('replayDraw', 'GET', `/flows/raffle/draws/${draw.body.drawId}/replay`);
      expect(replay.body.matches, JSON.stringify(replay.body.checks)).toBe(true);
    }
  });

  it('does not match when the stored result is tampered with', async () => {
    const { workspace, call } = await raffle();
    const draw = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 2 });
    const replay = (path: string) => call('replayDraw', 'GET', path).then((r) => r.body);
    const path = `/flows/raffle/draws/${draw.body.drawId}/replay`;
    expect((await replay(path)).matches).toBe(true);

    // A winners row swapped for someone who did not win.
    const [winner] = await winnerRows(workspace.id, draw.body.drawId);
    const loser = await sql<{ subject_hash: Buffer }>`
      select p.subject_hash from store_participations p where p.workspace_id = ${workspace.id}
        and not exists (select 1 from store_winners w where w.subject_hash = p.subject_hash) limit 1`.execute(storage.db);
    await sql`update store_winners set subject_hash = ${loser.rows[0]!.subject_hash} where id = ${winner!.id}`.execute(storage.db);
    expect(await replay(path)).toMatchObject({ matches: false, checks: { commitment: 'ok', selection: 'ok', winners: 'failed' } });
    await sql`update store_winners set subject_hash = ${winner!.subject_hash} where id = ${winner!.id}`.execute(storage.db);
    expect((await replay(path)).matches).toBe(true);

    // Recorded positions that the seed does not give (the two winners' order swapped).
    const swap = sql`update giveaway_draws set winner_positions = array[winner_positions[2], winner_positions[1]] where id = ${draw.body.drawId}`;
    await swap.execute(storage.db);
    expect(await replay(path)).toMatchObject({ matches: false, checks: { selection: 'failed' } });
    await swap.execute(storage.db);
    expect((await replay(path)).matches).toBe(true);

    // A seed other than the one committed.
    await sql`update giveaway_draws set seed = ${Buffer.alloc(32, 1)} where id = ${draw.body.drawId}`.execute(storage.db);
    expect(await replay(path)).toMatchObject({ matches: false, checks: { commitment: 'failed' } });
  });

  it('404 for an unknown draw, another flow or another workspace', async () => {
    const { call } = await raffle();
    const other = await raffle();
    const draw = await other.call('createDraw', 'POST', '/flows/raffle/draws', { count: 1 });
    expect((await call('replayDraw', 'GET', `/flows/raffle/draws/${draw.body.drawId}/replay`)).status).toBe(404);
    expect((await call('replayDraw', 'GET', '/flows/raffle/draws/00000000-0000-4000-8000-000000000000/replay')).status).toBe(404);
    expect((await call('replayDraw', 'GET', `/flows/nowhere/draws/${draw.body.drawId}/replay`)).status).toBe(404);
    expect((await call('replayDraw', 'GET', '/flows/raffle/draws/not-a-uuid/replay')).status).toBe(400);
  });
});
