import type { Clock } from '../core/clock.js';
import type { Logger } from './logger.js';
import { workEachOccurrence } from '../storage/occurrence-worker.js';
import type { Storage } from '../storage/storage.js';
import { sweepExpired } from '../storage/sweeper.js';

/** Registers the sweeper worker and its cron; each occurrence runs once, on one process only, and is recorded with its runs. */
export async function startSweeper(storage: Storage, options: { cron: string; batchSize: number; clock: Clock; logger: Logger; onSwept?: (table: string, rows: number) => void }): Promise<void> {
  await workEachOccurrence(storage, 'sweep', options.cron, options.logger, async (occurrence) => {
    const report = await sweepExpired(storage.db, { now: options.clock.now(), batchSize: options.batchSize, occurrence });
    for (const table of report.tables) if (table.rowsDeleted > 0) options.onSwept?.(table.table, table.rowsDeleted);
    options.logger.info(
      { runId: report.runId, occurrence: occurrence.toISOString(), rowsDeleted: report.rowsDeleted, tables: report.tables.filter((t) => t.rowsDeleted > 0) },
      'sweep finished',
    );
  });
}
