import type { Clock } from '../core/clock.js';
import type { Logger } from './logger.js';
import type { Storage } from '../storage/storage.js';
import { sweepExpired } from '../storage/sweeper.js';

/** Registers the sweeper worker and its cron; each occurrence runs on one process only. */
export async function startSweeper(storage: Storage, options: { cron: string; batchSize: number; clock: Clock; logger: Logger; onSwept?: (table: string, rows: number) => void }): Promise<void> {
  await storage.jobs.work('sweep', async () => {
    const report = await sweepExpired(storage.db, { now: options.clock.now(), batchSize: options.batchSize });
    for (const table of report.tables) if (table.rowsDeleted > 0) options.onSwept?.(table.table, table.rowsDeleted);
    options.logger.info(
      { runId: report.runId, rowsDeleted: report.rowsDeleted, tables: report.tables.filter((t) => t.rowsDeleted > 0) },
      'sweep finished',
    );
  });
  await storage.jobs.schedule('sweep', options.cron);
}
