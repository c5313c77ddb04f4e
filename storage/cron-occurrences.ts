import cronParser from 'cron-parser';
import { sql } from 'kysely';
import type { Db } from './database.js';

/** The payload of a cron job: the occurrence it serves, when the sender knows it (ids and instants only). */
export interface OccurrenceJob {
  /** ISO instant of the cron occurrence. */
  readonly occurrence?: string;
}

/**
 * The latest occurrence of `cron` at or before `at` (whole seconds), read with the parser
 * pg-boss's own scheduler uses, so both agree on what an occurrence is.
 *
 * @example
 * occurrenceAtOrBefore('* * * * *', new Date('2026-11-29T09:47:40Z')) // 2026-11-29T09:47:00Z
 */
export function occurrenceAtOrBefore(cron: string, at: Date, timeZone = 'UTC'): Date {
  // `prev()` is strictly before its start: start one second after `at` (floored to the second).
  const start = new Date(Math.floor(at.getTime() / 1000) * 1000 + 1000);
  return cronParser.parseExpression(cron, { currentDate: start, tz: timeZone }).prev().toDate();
}

/**
 * The occurrence a cron job serves: the one it names, else the cron's latest occurrence at or
 * before the job's creation (a scheduled fire carries no payload of its own). A job picked
 * up late still serves the occurrence it was created for.
 */
export function jobOccurrence(cron: string, job: { readonly data: OccurrenceJob | null | undefined; readonly createdOn: Date }): Date {
  const named = job.data?.occurrence;
  if (typeof named === 'string') {
    const at = new Date(named);
    if (!Number.isNaN(at.getTime())) return at;
  }
  return occurrenceAtOrBefore(cron, job.createdOn);
}

/**
 * Claims one occurrence of a cron job for this worker. True exactly once per (job, occurrence)
 * across every process: a duplicate fire, a second worker or a late job gets false and does nothing.
 */
export async function claimOccurrence(db: Db, jobName: string, occurrence: Date): Promise<boolean> {
  const result = await sql<{ job_name: string }>`
    insert into cron_occurrences (job_name, occurrence_at) values (${jobName}, ${occurrence})
    on conflict (job_name, occurrence_at) do nothing
    returning job_name`.execute(db);
  return result.rows.length === 1;
}
