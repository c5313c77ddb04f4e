import { randomInt } from 'node:crypto';
import type { InstantWinMoment, InstantWinPlan, RecordedInstantWinDraw } from '../../runtime/capabilities/instant-win-capability.js';

/** A uniform random integer in [0, max); crypto-strong by default. */
export type RandomBelow = (max: number) => number;

const cryptoBelow: RandomBelow = (max) => randomInt(0, max);

/** Resolution of odds draws: a participation wins when a uniform draw in [0, 2^47) falls below p·2^47. */
const ODDS_SCALE = 2 ** 47;

/** The open window `[opensAt, closesAt)` that moments are drawn in. */
export interface DrawWindow {
  readonly opensAt: Date;
  readonly closesAt: Date;
}

/**
 * One winning moment per unit of stock, each uniform over `[opensAt, closesAt)` at millisecond
 * resolution, in canonical order (instant, then prize id).
 *
 * @example drawMoments({ mode: 'moments', prizes: [{ id: 'tee', stock: 2 }] }, window)
 */
export function drawMoments(plan: InstantWinPlan, window: DrawWindow, random: RandomBelow = cryptoBelow): InstantWinMoment[] {
  const from = window.opensAt.getTime();
  const span = window.closesAt.getTime() - from;
  if (!(span > 0)) throw new RangeError('The draw window must not be empty');
  const moments: InstantWinMoment[] = [];
  for (const prize of plan.prizes) {
    for (let unit = 0; unit < prize.stock; unit += 1) {
      moments.push({ prizeId: prize.id, moment: new Date(from + random(span)).toISOString() });
    }
  }
  return sortMoments(moments);
}

/** Canonical order of moments: by instant (ISO strings of one format sort as time), then prize id by code unit. */
export function sortMoments(moments: readonly InstantWinMoment[]): InstantWinMoment[] {
  return [...moments].sort((a, b) => compare(a.moment, b.moment) || compare(a.prizeId, b.prizeId));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One odds-mode roll: true with probability `odds` (always when odds is 1). */
export function rollOdds(odds: number, random: RandomBelow = cryptoBelow): boolean {
  return random(ODDS_SCALE) < odds * ODDS_SCALE;
}

/** Picks a prize among those with stock left, weighted by what remains (each unit equally likely). */
export function pickWeighted(available: ReadonlyArray<{ readonly prizeId: string; readonly remaining: number }>, random: RandomBelow = cryptoBelow): string {
  const total = available.reduce((sum, p) => sum + p.remaining, 0);
  if (total <= 0) throw new RangeError('No stock to pick from');
  let ticket = random(total);
  for (const prize of available) {
    if (ticket < prize.remaining) return prize.prizeId;
    ticket -= prize.remaining;
  }
  return available[available.length - 1]!.prizeId;
}

/** Why a re-saved flow cannot keep its recorded draw, or null when it can. */
export type DrawConflict = 'revealed' | 'plan_changed' | 'window_shrunk';

/**
 * Compares a re-saved step with its recorded draw: the draw is kept as is (never redrawn), so
 * the mode and each prize's stock must be unchanged, a revealed draw cannot reopen, and the
 * window must still end after every drawn moment.
 */
export function drawConflict(recorded: RecordedInstantWinDraw, plan: InstantWinPlan, closesAt: Date | null): DrawConflict | null {
  if (recorded.revealedAt) return 'revealed';
  if (!samePlan(recorded.plan, plan)) return 'plan_changed';
  if (plan.mode === 'moments' && recorded.lastMoment && closesAt && recorded.lastMoment >= closesAt) return 'window_shrunk';
  return null;
}

/** Same mode and the same stock per prize id (prize order and titles do not matter). */
export function samePlan(a: InstantWinPlan, b: InstantWinPlan): boolean {
  if (a.mode !== b.mode || a.prizes.length !== b.prizes.length) return false;
  const stock = new Map(a.prizes.map((p) => [p.id, p.stock]));
  return b.prizes.every((p) => stock.get(p.id) === p.stock);
}
