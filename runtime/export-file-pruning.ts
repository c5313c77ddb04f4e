import { removeExpiredExportFiles, type ExpiredFilesReport } from '../exporter/destinations/export-file-expiry.js';
import type { Logger } from './logger.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Removes the local export files older than `days` (none with 0): what `parley sweep` and each
 * server process run. A file's age is read against the machine's own time, as its modification
 * time was written (not the application clock, which tests set to other days).
 */
export async function pruneExportFiles(options: { root: string; days: number }): Promise<ExpiredFilesReport | undefined> {
  if (options.days === 0) return undefined;
  return removeExpiredExportFiles(options.root, new Date(Date.now() - options.days * DAY_MS));
}

/**
 * Prunes this process's local export folder at start and each hour. Each process prunes its own
 * folder (local destinations write on the machine that runs the export), so it is not a job that
 * one process runs for all; two processes sharing a folder may both look at a file, and one
 * removes it. A failed pass is logged (never a file name) and tried again at the next.
 */
export function startExportFilePruning(options: { root: string; days: number; logger: Logger }): { stop(): void } {
  if (options.days === 0) return { stop: () => {} };
  const prune = () => {
    pruneExportFiles(options).then(
      (report) => {
        if (report && report.removed > 0) options.logger.info({ removed: report.removed, kept: report.kept, days: options.days }, 'expired export files removed');
      },
      // Its code only: a file system error's message names the file.
      (error: unknown) => options.logger.error({ code: (error as NodeJS.ErrnoException)?.code ?? 'unknown' }, 'export files could not be pruned'),
    );
  };
  prune();
  const timer = setInterval(prune, HOUR_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
