import type { Clock } from '../core/clock.js';
import type { Logger } from './logger.js';
import { workEachOccurrence } from '../storage/occurrence-worker.js';
import type { Storage } from '../storage/storage.js';
import { sweepExpired, type SweepReport } from '../storage/sweeper.js';
import { purgeWithdrawalRequests } from '../storage/withdrawal-requests.js';
import { rollUpFlowStats, type RollupReport } from '../storage/flow-stats-rollup.js';
import type { RowStatisticSource } from '../storage/flow-stats-sql.js';

/** A sweep and the statistics rollup that preceded it (or why the rollup failed). */
export interface MaintenanceReport {
  readonly rollup: RollupReport | { readonly failed: string };
  readonly sweep: SweepReport;
}

/**
 * Rolls flow statistics up, then sweeps: the counts of every session and row are kept before
 * the sweep can remove it. Requests for withdrawal links whose day has passed go too. A failed
 * rollup does not stop the sweep (retention comes first); the next rollup counts what is still there.
 */
export async function rollUpThenSweep(storage: Storage, options: { now: Date; batchSize: number; sources: readonly RowStatisticSource[]; occurrence?: Date }): Promise<MaintenanceReport> {
  const rollup = await rollUpFlowStats(storage.db, { now: options.now, sources: options.sources }).catch((error: unknown) => ({ failed: (error as Error)?.message ?? 'unknown error' }));
  const sweep = await sweepExpired(storage.db, { now: options.now, batchSize: options.batchSize, occurrence: options.occurrence });
  await purgeWithdrawalRequests(storage.db, options.now);
  return { rollup, sweep };
}

/**
 * What a sweep removed, per table, for `parley_rows_swept_total`: the store tables, then the chat
 * sessions, download links, audit entries and webhook log that expire beside them (tables with
 * nothing removed left out).
 */
export function sweptRows(sweep: SweepReport): Array<[table: string, rows: number]> {
  const beside: Array<[string, number]> = [
    ['chat_sessions', sweep.sessionsDeleted],
    ['downloads', sweep.downloadLinksDeleted],
    ['audit_log', sweep.auditRowsDeleted],
    ['webhook_log', sweep.webhookLogRowsDeleted],
  ];
  return [...sweep.tables.map((t): [string, number] => [t.table, t.rowsDeleted]), ...beside].filter(([, rows]) => rows > 0);
}

/** Registers the sweeper worker and its cron; each occurrence runs once, on one process only, and is recorded with its runs. */
export async function startSweeper(
  storage: Storage,
  options: { cron: string; batchSize: number; clock: Clock; logger: Logger; sources: readonly RowStatisticSource[]; onSwept?: (table: string, rows: number) => void },
): Promise<void> {
  await workEachOccurrence(storage, 'sweep', options.cron, options.logger, async (occurrence) => {
    const { rollup, sweep } = await rollUpThenSweep(storage, { now: options.clock.now(), batchSize: options.batchSize, sources: options.sources, occurrence });
    if ('failed' in rollup) options.logger.error({ err: { message: rollup.failed } }, 'flow statistics rollup failed');
    for (const [table, rows] of sweptRows(sweep)) options.onSwept?.(table, rows);
    options.logger.info(
      { runId: sweep.runId, occurrence: occurrence.toISOString(), rowsDeleted: sweep.rowsDeleted, tables: sweep.tables.filter((t) => t.rowsDeleted > 0), rollup },
      'sweep finished',
    );
  });
}
