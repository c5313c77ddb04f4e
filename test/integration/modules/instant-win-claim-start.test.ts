import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import type { Db } from '../../../storage/database.js';
import { claimInstantWinMoment } from '../../../storage/instant-win-repository.js';
import { WALK_START_TRUST_MS } from '../../../storage/walk-starts.js';

/** The draws' window: an hour from `OPENS`; `LAST_MS` is its last millisecond, when every moment is due. */
const OPENS = new Date('2025-06-02T08:00:00.000Z');
const HOUR = 3_600_000;
const LAST_MS = new Date(OPENS.getTime() + HOUR - 1);

let storage: TestStorage;
beforeAll(async () => (storage = await createTestStorage({ start: OPENS })));
afterAll(async () => storage.destroy());

/** A flow whose instant win holds `stock` moments drawn over the hour from `OPENS`. */
async function draw(slug: string, stock: number): Promise<string> {
  const { workspace } = await flowSetup(storage);
  const flow = await saveTestFlow(storage, workspace, slug, {
    name: 'Claim starts',
    opensAt: OPENS.toISOString(),
    closesAt: new Date(OPENS.getTime() + HOUR).toISOString(),
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'win' },
      { id: 'win', module: 'instant-win', config: { prizes: [{ id: 'tee', title: 'a T-shirt', stock }] } },
    ],
  });
  return flow.id;
}

/** The draw's moment ids in claim order (instant, then id). */
async function momentIds(flowId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`select id::text as id from instant_win_moments where flow_id = ${flowId} order by moment, id`.execute(storage.db);
  return rows.rows.map((r) => r.id);
}

/** Claims for a new session at `at`; returns the id of the moment it took, or null. */
async function claim(db: Db, flowId: string, at: Date): Promise<string | null> {
  const sessionId = crypto.randomUUID();
  const prize = await claimInstantWinMoment(db, { flowId, stepId: 'win', sessionId, at });
  const rows = await sql<{ id: string }>`select id::text as id from instant_win_moments where claimed_by_session = ${sessionId}`.execute(db);
  expect(prize === null).toBe(rows.rows.length === 0);
  return rows.rows[0]?.id ?? null;
}

/**
 * Claims the first moment in a transaction that then rolls back, while another claim (which
 * skips the locked moment) takes the second: the first is left unclaimed behind where the next
 * claims start.
 */
async function leaveBehind(flowId: string, at: Date): Promise<void> {
  const [first, second] = await momentIds(flowId);
  await expect(
    storage.db.transaction().execute(async (trx) => {
      expect(await claim(trx, flowId, at)).toBe(first);
      expect(await claim(storage.db, flowId, at)).toBe(second);
      throw new Error('the turn failed');
    }),
  ).rejects.toThrow('the turn failed');
}

describe('where instant-win claims start their walk of the unclaimed moments', () => {
  it('gives a moment that a rolled-back claim left behind to the next claim once nothing is due past the others', async () => {
    const flowId = await draw('left-behind', 3);
    const [first, , third] = await momentIds(flowId);
    await leaveBehind(flowId, LAST_MS);
    // The next claim starts at the second moment: the third is due past it.
    expect(await claim(storage.db, flowId, LAST_MS)).toBe(third);
    // Nothing is due past the third: the same statement walks from the first moment.
    expect(await claim(storage.db, flowId, LAST_MS)).toBe(first);
    expect(await claim(storage.db, flowId, LAST_MS)).toBeNull();
    const unclaimed = await sql<{ n: number }>`select count(*)::int as n from instant_win_moments where flow_id = ${flowId} and claimed_at is null`.execute(storage.db);
    expect(unclaimed.rows[0]!.n).toBe(0);
  });

  it('walks from the first moment again once its start is older than the trust window, so a moment left behind waits no longer than that', async () => {
    const flowId = await draw('trusted', 200);
    // Half an hour in: about a hundred moments are due, far more than this test claims.
    const at = new Date(OPENS.getTime() + HOUR / 2);
    const ids = await momentIds(flowId);
    await leaveBehind(flowId, at);
    // Within the window the start holds: the claims go past the moment left behind.
    expect(await claim(storage.db, flowId, new Date(at.getTime() + WALK_START_TRUST_MS))).toBe(ids[2]);
    expect(await claim(storage.db, flowId, new Date(at.getTime() + WALK_START_TRUST_MS))).toBe(ids[3]);
    // Past it, the claim walks from the first moment and takes it.
    expect(await claim(storage.db, flowId, new Date(at.getTime() + WALK_START_TRUST_MS + 1))).toBe(ids[0]);
    // That walk is trusted anew: the next claim starts there and takes the earliest left.
    expect(await claim(storage.db, flowId, new Date(at.getTime() + WALK_START_TRUST_MS + 2))).toBe(ids[4]);
  });

  it('starts each draw where its own claims left off', async () => {
    const a = await draw('draw-a', 5);
    const b = await draw('draw-b', 5);
    const [a1, a2] = await momentIds(a);
    const [b1] = await momentIds(b);
    expect(await claim(storage.db, a, LAST_MS)).toBe(a1);
    expect(await claim(storage.db, b, LAST_MS)).toBe(b1);
    expect(await claim(storage.db, a, LAST_MS)).toBe(a2);
  });
});
