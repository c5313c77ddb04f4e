import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { closeTestFlow, flowSetup, saveTestFlow, type TestVisitor } from '../../support/flow-harness.js';
import type { ParleyError } from '../../../core/errors.js';
import type { Turn } from '../../../core/chat-protocol.js';
import { verifyCommitment } from '../../../modules/instant-win/instant-win-commitment.js';
import pg from 'pg';
import { claimInstantWinMoment, getInstantWinProof } from '../../../storage/instant-win-repository.js';
import { getFlow } from '../../../storage/flow-repository.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import { updateWorkspace } from '../../../storage/workspace-repository.js';

const T0 = new Date('2025-06-02T08:00:00.000Z');
const HOUR = 3_600_000;
const LAST_MS = new Date(T0.getTime() + HOUR - 1);

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: T0 });
});
afterAll(async () => storage.destroy());

const tee = { id: 'tee', title: 'a T-shirt', stock: 10 };
const texts = { winText: 'You won {{prize}}!', loseText: 'Not this time.' };

/** Email capture, then the instant win, open for one hour from T0. */
function document(config: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    name: 'Instant win',
    opensAt: T0.toISOString(),
    closesAt: new Date(T0.getTime() + HOUR).toISOString(),
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'win' },
      { id: 'win', module: 'instant-win', config: { ...texts, ...config } },
    ],
    ...extra,
  };
}

/** One participant: a new session that gives its email and gets the draw's answer. */
async function participate(visitor: TestVisitor, email: string): Promise<string[]> {
  await visitor.start();
  const turn: Turn = await visitor.answer(email);
  expect(turn.done).toBe(true);
  return visitor.texts(turn);
}

async function counts(flowId: string) {
  const found = await sql<{ winners: string; claims: string; won_claims: string; claimed: string; unclaimed: string; matched: string }>`
    select
      (select count(*) from store_winners where flow_id = ${flowId}) as winners,
      (select count(*) from store_instant_win_claims where flow_id = ${flowId}) as claims,
      (select count(*) from store_instant_win_claims where flow_id = ${flowId} and (data ->> 'won')::boolean) as won_claims,
      (select count(*) from instant_win_moments where flow_id = ${flowId} and claimed_at is not null) as claimed,
      (select count(*) from instant_win_moments where flow_id = ${flowId} and claimed_at is null) as unclaimed,
      (select count(*) from instant_win_moments m join store_winners w
        on w.session_id = m.claimed_by_session and w.data ->> 'prizeId' = m.prize_id where m.flow_id = ${flowId}) as matched`.execute(storage.db);
  return Object.fromEntries(Object.entries(found.rows[0]!).map(([k, v]) => [k, Number(v)]));
}

async function moments(flowId: string): Promise<Date[]> {
  const rows = await sql<{ moment: Date }>`select moment from instant_win_moments where flow_id = ${flowId} order by moment`.execute(storage.db);
  return rows.rows.map((r) => r.moment);
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; path?: string; reason?: unknown }> {
  const error = (await promise.then(() => undefined, (e: ParleyError) => e))!;
  expect(error).toBeDefined();
  return { code: error.code, ...(error.path && { path: error.path }), ...(error.details?.reason !== undefined && { reason: error.details.reason }) };
}

describe('instant-win module', () => {
  it('never over-awards: 500 concurrent participations against a stock of 10 give exactly 10 winners, 3 times over (20 rounds run through the gateway)', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    const emails = Array.from({ length: 500 }, (_, i) => `player.${i}@example.org`);
    for (let round = 0; round < 3; round += 1) {
      const slug = `rush-${round}`;
      storage.clock.set(T0);
      const flow = await saveTestFlow(storage, workspace, slug, document({ prizes: [tee] }));
      storage.clock.set(LAST_MS);
      // All 500 at once: the pool (20 connections) queues them; each turn is one transaction.
      const answers = await Promise.all(emails.map((email) => participate(visitor(slug), email)));
      expect(answers.filter(([text]) => text === 'You won a T-shirt!')).toHaveLength(10);
      expect(answers.filter(([text]) => text === 'Not this time.')).toHaveLength(490);
      expect(await counts(flow.id)).toEqual({ winners: 10, claims: 500, won_claims: 10, claimed: 10, unclaimed: 0, matched: 10 });
    }
  }, 240_000);

  it('awards a moment only once it is due, earliest first, with the win and lose texts', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    storage.clock.set(T0);
    const flow = await saveTestFlow(storage, workspace, 'timed', document({ prizes: [{ ...tee, stock: 2, description: 'Organic cotton, size M' }] }));
    const [first, second] = await moments(flow.id);
    storage.clock.set(first!.getTime() - 1);
    expect(await participate(visitor('timed'), 'early@example.org')).toEqual(['Not this time.']);
    storage.clock.set(first!);
    expect(await participate(visitor('timed'), 'Right.On@Example.org')).toEqual(['You won a T-shirt!']);
    if (second!.getTime() > first!.getTime()) {
      storage.clock.set(second!.getTime() - 1);
      expect(await participate(visitor('timed'), 'between@example.org')).toEqual(['Not this time.']);
    }
    storage.clock.set(second!);
    expect(await participate(visitor('timed'), 'second@example.org')).toEqual(['You won a T-shirt!']);
    storage.clock.set(LAST_MS);
    expect(await participate(visitor('timed'), 'late@example.org')).toEqual(['Not this time.']);

    const winners = await listStoreRows(storage, workspace.id, 'winners', { flowId: flow.id, order: 'asc' });
    expect(winners.rows.map((r) => [r.data.prizeId, r.data.prizeTitle, r.data.prizeDescription, r.data.source, r.personal?.email])).toEqual([
      ['tee', 'a T-shirt', 'Organic cotton, size M', 'instant-win', 'right.on@example.org'],
      ['tee', 'a T-shirt', 'Organic cotton, size M', 'instant-win', 'second@example.org'],
    ]);
    const claims = await listStoreRows(storage, workspace.id, 'instant_win_claims', { flowId: flow.id, order: 'asc' });
    expect(claims.rows.map((r) => r.data.won)).toEqual(second!.getTime() > first!.getTime() ? [false, true, false, true, false] : [false, true, true, false]);
    expect(claims.rows.every((r) => r.data.prizeId === (r.data.won ? 'tee' : null) && !JSON.stringify(r.data).includes('@'))).toBe(true);
  });

  it('seals each distinct personal value of a turn once: the claim and the winner share their sealed bytes, and every row of the turn one subject hash', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    storage.clock.set(T0);
    const flow = await saveTestFlow(storage, workspace, 'sealed-once', document({ prizes: [{ ...tee, stock: 1 }] }));
    storage.clock.set((await moments(flow.id))[0]!);
    const ann = visitor('sealed-once');
    expect(await participate(ann, 'ann@example.org')).toEqual(['You won a T-shirt!']);
    const bob = visitor('sealed-once');
    expect(await participate(bob, 'bob@example.org')).toEqual(['Not this time.']);
    const rows = async (sessionId: string) => {
      const found = await sql<{ table: string; personal: Buffer; subject_hash: Buffer }>`
        select 'variables' as table, personal, subject_hash from store_variables where session_id = ${sessionId}
        union all select 'winners', personal, subject_hash from store_winners where session_id = ${sessionId}
        union all select 'instant_win_claims', personal, subject_hash from store_instant_win_claims where session_id = ${sessionId}
        order by 1`.execute(storage.db);
      return Promise.all(found.rows.map(async (r) => ({ ...r, opened: await storage.keyring.decryptJson(workspace.id, r.personal) })));
    };
    const [claim, variable, winner] = await rows(ann.sessionId);
    expect([claim, variable, winner].map((r) => [r!.table, r!.opened])).toEqual([
      ['instant_win_claims', { email: 'ann@example.org', ip: '192.0.2.7' }],
      ['variables', { email: 'ann@example.org' }],
      ['winners', { email: 'ann@example.org', ip: '192.0.2.7' }],
    ]);
    expect(winner!.personal.equals(claim!.personal)).toBe(true);
    expect(claim!.personal.equals(variable!.personal)).toBe(false);
    expect(claim!.subject_hash.equals(variable!.subject_hash) && winner!.subject_hash.equals(variable!.subject_hash)).toBe(true);
    // Another participant's turn seals and hashes its own values.
    const [bobClaim, bobVariable] = await rows(bob.sessionId);
    expect(bobVariable!.opened).toEqual({ email: 'bob@example.org' });
    expect(bobVariable!.personal.equals(variable!.personal) || bobClaim!.subject_hash.equals(claim!.subject_hash)).toBe(false);
  });

  // A claim steps over the index entries of the moments claimed before it until a VACUUM removes
  // them (migration 0023): autovacuum must visit the table often and must not skip its indexes,
  // which PostgreSQL does by default when the dead rows sit on under 2 % of the pages, as claimed
  // moments do (they are claimed in the order they were stored).
  it('lets VACUUM take claimed moments out of the index of unclaimed ones, however few they are', async () => {
    const { workspace } = await flowSetup(storage);
    storage.clock.set(T0);
    // The 100,000 moments inserted would start an autovacuum of their own, which on a loaded
    // machine removed some of the claims' dead rows before the VACUUM below (CI once saw 329).
    await sql`alter table instant_win_moments set (autovacuum_enabled = off)`.execute(storage.db);
    const client = new pg.Client({ connectionString: storage.url });
    const reports: string[] = [];
    client.on('notice', (notice) => reports.push(notice.message ?? ''));
    await client.connect();
    try {
      const flow = await saveTestFlow(storage, workspace, 'campaign', document({ prizes: [{ ...tee, stock: 100_000 }] }));
      for (let i = 0; i < 1000; i += 1) {
        expect(await claimInstantWinMoment(storage.db, { flowId: flow.id, stepId: 'win', sessionId: crypto.randomUUID(), at: LAST_MS })).toBe('tee');
      }
      // What autovacuum does with the table's settings: a VACUUM with no options, reported.
      await client.query('vacuum (verbose) instant_win_moments');
    } finally {
      await client.end();
      await sql`alter table instant_win_moments reset (autovacuum_enabled)`.execute(storage.db);
    }
    const report = reports.join('\n');
    expect(report).not.toContain('index scan bypassed');
    expect(report).toMatch(/index "instant_win_moments_unclaimed": pages: \d+ in total/);
    // This test's 1,000 claims, and the rows earlier tests of the file left.
    const removed = /index scan needed: \d+ pages from table \([\d.]+% of total\) had (\d+) dead item identifiers removed/.exec(report);
    expect(Number(removed?.[1])).toBeGreaterThanOrEqual(1000);
    // Autovacuum comes after every 10,000 claims, not after a fifth of the table.
    // So do the other tables worked as queues: code pools and the webhook outbox.
    const settings = await sql<{ name: string; options: string[] }>`
      select relname as name, reloptions as options from pg_class
      where relname in ('instant_win_moments', 'code_pool_entries', 'webhook_events') and relkind = 'r' order by relname`.execute(storage.db);
    expect(settings.rows.map((r) => r.name)).toEqual(['code_pool_entries', 'instant_win_moments', 'webhook_events']);
    for (const row of settings.rows) {
      expect(row.options).toEqual(
        expect.arrayContaining(['autovacuum_vacuum_scale_factor=0', 'autovacuum_vacuum_threshold=10000', 'autovacuum_vacuum_cost_delay=0', 'vacuum_index_cleanup=on']),
      );
    }
  });

  it('commits to the moments at opening and reveals them at closure; a tampered list fails', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    storage.clock.set(T0);
    const flow = await saveTestFlow(storage, workspace, 'proof', document({ prizes: [{ ...tee, stock: 5 }, { id: 'cap', title: 'a cap', stock: 3 }] }));
    const [sealed] = (await getInstantWinProof(storage.db, workspace.id, flow.id))!;
    expect(sealed).toMatchObject({ stepId: 'win', flowHashId: flow.hashId, revealed: null, revealedAt: null });
    expect(sealed!.commitment).toMatch(/^[0-9a-f]{64}$/);
    storage.clock.set(LAST_MS);
    await Promise.all(['a', 'b', 'c'].map((name) => participate(visitor('proof'), `${name}@example.org`)));
    expect((await getInstantWinProof(storage.db, workspace.id, flow.id))![0]!.revealed).toBeNull();

    await closeTestFlow(storage, workspace, 'proof');
    const [proof] = (await getInstantWinProof(storage.db, workspace.id, flow.id))!;
    expect(proof!.commitment).toBe(sealed!.commitment);
    expect(proof!.revealed!.moments).toHaveLength(8);
    expect(proof!.revealed!.moments.filter((m) => m.prizeId === 'cap')).toHaveLength(3);
    expect(proof!.revealed!.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(verifyCommitment(proof!.commitment, proof!.revealed)).toBe(true);

    const moved = proof!.revealed!.moments.map((m, i) => (i === 0 ? { ...m, moment: new Date(Date.parse(m.moment) + 1).toISOString() } : m));
    expect(verifyCommitment(proof!.commitment, { ...proof!.revealed!, moments: moved })).toBe(false);
    const swapped = proof!.revealed!.moments.map((m) => ({ ...m, prizeId: m.prizeId === 'cap' ? 'tee' : 'cap' }));
    expect(verifyCommitment(proof!.commitment, { ...proof!.revealed!, moments: swapped })).toBe(false);
    expect(await getInstantWinProof(storage.db, (await flowSetup(storage)).workspace.id, flow.id)).toBeUndefined();
  });

  it('re-saving an open flow keeps its draw; changing prizes or stock, cutting the window or reopening a revealed draw is refused', async () => {
    const { workspace } = await flowSetup(storage);
    storage.clock.set(T0);
    const flow = await saveTestFlow(storage, workspace, 'resave', document({ prizes: [tee] }));
    const drawn = await moments(flow.id);
    const { commitment } = (await getInstantWinProof(storage.db, workspace.id, flow.id))![0]!;

    const retitled = await saveTestFlow(storage, workspace, 'resave', document({ prizes: [{ ...tee, title: 'a better T-shirt' }] }, { name: 'Renamed' }));
    expect(retitled.version).toBe(2);
    expect(await moments(flow.id)).toEqual(drawn);
    expect((await getInstantWinProof(storage.db, workspace.id, flow.id))![0]!.commitment).toBe(commitment);

    expect(await refusal(saveTestFlow(storage, workspace, 'resave', document({ prizes: [{ ...tee, stock: 11 }] })))).toEqual({ code: 'conflict', reason: 'plan_changed' });
    expect(await refusal(saveTestFlow(storage, workspace, 'resave', document({ prizes: [tee, { id: 'cap', title: 'a cap', stock: 1 }] })))).toEqual({ code: 'conflict', reason: 'plan_changed' });
    const cut = new Date(drawn[drawn.length - 1]!.getTime()).toISOString();
    expect(await refusal(saveTestFlow(storage, workspace, 'resave', document({ prizes: [tee] }, { closesAt: cut })))).toEqual({ code: 'conflict', reason: 'window_shrunk' });
    const extended = await saveTestFlow(storage, workspace, 'resave', document({ prizes: [tee] }, { closesAt: new Date(T0.getTime() + 2 * HOUR).toISOString() }));
    expect(extended.version).toBe(3);
    expect(await moments(flow.id)).toEqual(drawn);

    await closeTestFlow(storage, workspace, 'resave');
    expect(await refusal(saveTestFlow(storage, workspace, 'resave', document({ prizes: [tee] })))).toEqual({ code: 'conflict', reason: 'revealed' });
    expect((await getFlow(storage.db, workspace.id, 'resave'))).toMatchObject({ status: 'closed', version: 3 });
  });

  it('moments mode needs the flow window: the save is refused and rolled back', async () => {
    const { workspace } = await flowSetup(storage);
    storage.clock.set(T0);
    expect(await refusal(saveTestFlow(storage, workspace, 'nowindow', document({ prizes: [tee] }, { closesAt: null })))).toEqual({ code: 'config_invalid', path: '/closesAt' });
    expect(await refusal(saveTestFlow(storage, workspace, 'nowindow', document({ prizes: [tee] }, { opensAt: undefined })))).toEqual({ code: 'config_invalid', path: '/opensAt' });
    expect(await getFlow(storage.db, workspace.id, 'nowindow')).toBeUndefined();

    const plain = { name: 'Plain', steps: [{ id: 'hi', module: 'message', config: { text: 'Hi' } }] };
    await saveTestFlow(storage, workspace, 'grows', plain);
    expect(await refusal(saveTestFlow(storage, workspace, 'grows', document({ prizes: [tee] }, { closesAt: null })))).toEqual({ code: 'config_invalid', path: '/closesAt' });
    expect(await getFlow(storage.db, workspace.id, 'grows')).toMatchObject({ version: 1, name: 'Plain', closesAt: null });
    const draws = await sql<{ n: string }>`select count(*) as n from instant_win_draws where workspace_id = ${workspace.id}`.execute(storage.db);
    expect(Number(draws.rows[0]!.n)).toBe(0);
  });

  it('honours maxWinsPerParticipant under concurrency, whatever the session', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    storage.clock.set(T0);
    const once = await saveTestFlow(storage, workspace, 'once', document({ prizes: [tee] }));
    const twice = await saveTestFlow(storage, workspace, 'twice', document({ prizes: [tee], maxWinsPerParticipant: 2 }));
    storage.clock.set(LAST_MS);
    const sameEmail = Array.from({ length: 20 }, (_, i) => (i % 2 ? 'Greedy@Example.org' : 'greedy@example.org'));
    await Promise.all([
      Promise.all(sameEmail.map((email) => participate(visitor('once'), email))),
      Promise.all(sameEmail.map((email) => participate(visitor('twice'), email))),
    ]);
    expect(await counts(once.id)).toEqual({ winners: 1, claims: 20, won_claims: 1, claimed: 1, unclaimed: 9, matched: 1 });
    expect(await counts(twice.id)).toEqual({ winners: 2, claims: 20, won_claims: 2, claimed: 2, unclaimed: 8, matched: 2 });
    const claims = await listStoreRows(storage, workspace.id, 'instant_win_claims', { flowId: once.id, limit: 100 });
    expect(claims.rows.filter((r) => r.data.limitReached === true)).toHaveLength(19);
    expect(await participate(visitor('once'), 'someone.else@example.org')).toEqual(['You won a T-shirt!']);
  });

  it('odds mode with p = 1 and a stock of 3 gives exactly 3 winners, and needs no window', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    storage.clock.set(T0);
    const config = { mode: 'odds', odds: 1, prizes: [{ id: 'mug', title: 'a mug', stock: 2 }, { id: 'pen', title: 'a pen', stock: 1 }] };
    const flow = await saveTestFlow(storage, workspace, 'odds', document(config, { opensAt: null, closesAt: null }));
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => participate(visitor('odds'), `odds.${i}@example.org`)));
    expect(answers.filter(([t]) => t === 'You won a mug!')).toHaveLength(2);
    expect(answers.filter(([t]) => t === 'You won a pen!')).toHaveLength(1);
    expect(await counts(flow.id)).toMatchObject({ winners: 3, claims: 60, won_claims: 3 });
    const stock = await sql<{ remaining: number }>`select remaining from instant_win_stock where flow_id = ${flow.id}`.execute(storage.db);
    expect(stock.rows.map((r) => r.remaining)).toEqual([0, 0]);
    expect(await getInstantWinProof(storage.db, workspace.id, flow.id)).toEqual([]);
  });

  it('refuses to play without a captured email, and when storage was switched off after saving', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    storage.clock.set(T0);
    await saveTestFlow(storage, workspace, 'noemail', { name: 'No email', steps: [{ id: 'win', module: 'instant-win', config: { prizes: [tee], mode: 'odds', odds: 1, noEmailText: 'Email first, please.' } }] });
    const v = visitor('noemail');
    const turn = await v.start();
    expect(v.texts(turn)).toEqual(['Email first, please.']);
    expect(turn.done).toBe(true);

    const flow = await saveTestFlow(storage, workspace, 'later-off', document({ prizes: [tee] }));
    await updateWorkspace(storage, workspace.id, { storageEnabled: false });
    storage.clock.set(LAST_MS);
    expect(await participate(visitor('later-off'), 'off@example.org')).toEqual(['This game is not available right now.']);
    expect(await counts(flow.id)).toMatchObject({ claims: 0, winners: 0, claimed: 0 });
  });

  it('is refused when the flow is saved on a workspace with storage off', async () => {
    const { workspace } = await flowSetup(storage, { workspace: { storageEnabled: false } });
    storage.clock.set(T0);
    expect(await refusal(saveTestFlow(storage, workspace, 'off', document({ prizes: [tee] })))).toEqual({ code: 'storage_disabled', path: '/steps/1/module' });
    expect(await getFlow(storage.db, workspace.id, 'off')).toBeUndefined();
  });
});
