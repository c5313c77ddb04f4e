import { randomBytes } from 'node:crypto';
import type { InstantWinMoment, InstantWinPlan, RecordedInstantWinDraw } from '../../core/capabilities/instant-win-capability.js';

/** A uniform random integer in [0, max) for 1 ≤ max ≤ 2^48; crypto-strong by default. */
export type RandomBelow = (max: number) => number;

const RANGE = 2 ** 48;

/**
 * Uniform integers below `max` from `node:crypto` random bytes, 48 bits at a time with
 * rejection sampling (no modulo bias); bytes are fetched in blocks so a million draws stay fast.
 */
function cryptoSource(): RandomBelow {
  let pool = Buffer.alloc(0);
  let at = 0;
  return (max) => {
    if (!Number.isInteger(max) || max < 1 || max > RANGE) throw new RangeError('max must be an integer in [1, 2^48]');
    const limit = RANGE - (RANGE % max);
    for (;;) {
      if (at + 6 > pool.length) {
        pool = randomBytes(6 * 8192);
        at = 0;
      }
      const value = pool.readUIntBE(at, 6);
      at += 6;
      if (value < limit) return value % max;
    }
  };
}

const cryptoBelow: RandomBelow = cryptoSource();

/** Resolution of odds draws: a participation wins when a uniform draw in [0, 2^47) falls below p·2^47. */
const ODDS_SCALE = 2 ** 47;

/** The open window `[opensAt, closesAt)` that moments are drawn in. */
export interface DrawWindow {
  readonly opensAt: Date;
  readonly closesAt: Date;
}

/**
 * One winning moment per unit of stock, each uniform over `[opensAt, closesAt)` at millisecond
 * resolution, in canonical order (instant, then prize id by code unit).
 *
 * @example drawMoments({ mode: 'moments', prizes: [{ id: 'tee', stock: 2 }] }, window)
 */
export function drawMoments(plan: InstantWinPlan, window: DrawWindow, random: RandomBelow = cryptoBelow): InstantWinMoment[] {
  const from = window.opensAt.getTime();
  const span = window.closesAt.getTime() - from;
  if (!(span > 0)) throw new RangeError('The draw window must not be empty');
  // Each moment is one exact float key: offset · slots + rank of its prize id; a numeric sort is then canonical.
  const ids = plan.prizes.map((p) => p.id).sort(compare);
  const slots = Math.max(ids.length, 1);
  if (span * slots > Number.MAX_SAFE_INTEGER) throw new RangeError('The draw window is too long');
  const rank = new Map(ids.map((id, i) => [id, i]));
  const keys = new Float64Array(plan.prizes.reduce((sum, p) => sum + p.stock, 0));
  let k = 0;
  for (const prize of plan.prizes) {
    const r = rank.get(prize.id)!;
    for (let unit = 0; unit < prize.stock; unit += 1) keys[k++] = random(span) * slots + r;
  }
  keys.sort();
  const iso = isoFormatter();
  return Array.from(keys, (key) => ({ prizeId: ids[key % slots]!, moment: iso(from + Math.floor(key / slots)) }));
}

const DAY_MS = 86_400_000;

/**
 * `new Date(ms).toISOString()`, several times faster over instants in order: the date part is
 * formatted once per day, the time of day by hand.
 */
export function isoFormatter(): (ms: number) => string {
  let day = Number.NaN;
  let prefix = '';
  const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
  return (ms) => {
    const time = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
    if (ms - time !== day) {
      day = ms - time;
      prefix = new Date(day).toISOString().slice(0, -13);
    }
    const milli = time % 1000;
    const seconds = Math.floor(time / 1000);
    return `${prefix}${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  };
}

/**
 * Canonical order of moments: by instant (ISO strings of one format sort as time), then prize
 * id by code unit. Returns the input itself when it is already in that order.
 */
export function sortMoments(moments: readonly InstantWinMoment[]): readonly InstantWinMoment[] {
  const ordered = (a: InstantWinMoment, b: InstantWinMoment): number => compare(a.moment, b.moment) || compare(a.prizeId, b.prizeId);
  for (let i = 1; i < moments.length; i += 1) {
    if (ordered(moments[i - 1]!, moments[i]!) > 0) return [...moments].sort(ordered);
  }
  return moments;
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
