import { physicalTable, type StoreTable } from '../core/store-tables.js';

/**
 * The layout of a partitioned store table, as pure functions (no database here).
 *
 * Every store table is range-partitioned on `expires_at` (see migration 0011). A partition
 * covers `[lower, upper)` in whole UTC days and is named after its bounds,
 * `store_<table>_p<YYYYMMDD>_<YYYYMMDD>`, so the sweeper reads the layout from the catalogue
 * names alone. Expiries less than `DAILY_HORIZON_DAYS` ahead get one partition per day; further
 * ones (a three-year consent retention) get one per calendar month, cut short where a
 * neighbour already starts, so a long retention does not create a thousand tables. Rows whose
 * expiry no partition covers yet land in `store_<table>_default`, which the sweeper drains.
 */

const DAY = 86_400_000;

/** Expiries closer than this get daily partitions; further ones monthly. */
export const DAILY_HORIZON_DAYS = 62;

/** Partitions are created this many days past each retention in use, so inserts rarely reach the default. */
export const AHEAD_MARGIN_DAYS = 2;

/** One partition: rows with `lower <= expires_at < upper`. */
export interface PartitionRange {
  readonly name: string;
  readonly lower: Date;
  readonly upper: Date;
}

export function floorDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY) * DAY);
}

function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY);
}

function stamp(at: Date): string {
  return at.toISOString().slice(0, 10).replace(/-/g, '');
}

function unstamp(text: string): Date {
  return new Date(`${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T00:00:00Z`);
}

/** The default (safety-net) partition of a store table. */
export function defaultPartitionName(table: StoreTable): string {
  return `${physicalTable(table)}_default`;
}

/** The name of the partition of `table` covering `[lower, upper)`. */
export function partitionName(table: StoreTable, lower: Date, upper: Date): string {
  return `${physicalTable(table)}_p${stamp(lower)}_${stamp(upper)}`;
}

/** The range a partition name stands for, or undefined when `name` is not one of ours. */
export function parsePartitionName(table: StoreTable, name: string): PartitionRange | undefined {
  const match = new RegExp(`^${physicalTable(table)}_p(\\d{8})_(\\d{8})$`).exec(name);
  if (!match) return undefined;
  const lower = unstamp(match[1]!);
  const upper = unstamp(match[2]!);
  return Number.isNaN(lower.getTime()) || Number.isNaN(upper.getTime()) || upper <= lower ? undefined : { name, lower, upper };
}

/**
 * The range to create so that expiry `at` has a partition, or undefined when one already
 * covers it. Daily up to the horizon, else the calendar month of `at` clipped to its
 * neighbours, so ranges never overlap.
 *
 * @example chunkFor(new Date('2026-12-03T10:00Z'), new Date('2026-12-01Z'), []) // 2026-12-03 → 2026-12-04
 */
export function chunkFor(at: Date, now: Date, existing: readonly PartitionRange[]): { lower: Date; upper: Date } | undefined {
  if (existing.some((p) => p.lower <= at && at < p.upper)) return undefined;
  const day = floorDay(at);
  if (day < addDays(floorDay(now), DAILY_HORIZON_DAYS)) return { lower: day, upper: addDays(day, 1) };
  let lower = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  let upper = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  for (const p of existing) {
    if (p.upper <= at && p.upper > lower) lower = p.upper;
    if (p.lower > at && p.lower < upper) upper = p.lower;
  }
  return { lower, upper };
}

/** The expiries that new rows will get in the next days, one per retention in use and margin day. */
export function aheadTargets(now: Date, retentionDays: Iterable<number>): Date[] {
  const targets: Date[] = [];
  for (const days of new Set(retentionDays)) {
    for (let extra = 0; extra <= AHEAD_MARGIN_DAYS; extra += 1) targets.push(addDays(now, days + extra));
  }
  return targets.sort((a, b) => a.getTime() - b.getTime());
}

/** Partitions whose whole range has passed (dropped), and those `now` falls in (swept by batches). */
export function classifyPartitions(partitions: readonly PartitionRange[], now: Date): { passed: PartitionRange[]; current: PartitionRange[] } {
  return {
    passed: partitions.filter((p) => p.upper <= now),
    current: partitions.filter((p) => p.lower <= now && now < p.upper),
  };
}
