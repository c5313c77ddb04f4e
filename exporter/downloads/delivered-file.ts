import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { ExportRun } from '../../storage/export-run-repository.js';

/** A run's file on this machine, as delivered. */
export interface DeliveredFile {
  readonly path: string;
  readonly fileName: string;
  readonly bytes: number;
}

/**
 * The file a succeeded run delivered to a local directory, while it is still there as delivered:
 * a regular file under the local root (no symlink leading out of it) of the size the run
 * recorded. Undefined for runs delivered elsewhere (SFTP, S3, …), runs that did not succeed, and
 * files that were removed or replaced since.
 *
 * @example
 * const file = await deliveredFile(run, path.join(dataDir, 'exports'));
 * if (file) createReadStream(file.path).pipe(res);
 */
export async function deliveredFile(run: ExportRun, localRoot: string): Promise<DeliveredFile | undefined> {
  if (run.status !== 'succeeded' || !run.destination || !run.fileName || run.bytes === null) return undefined;
  if (!path.isAbsolute(run.destination) || path.basename(run.destination) !== run.fileName) return undefined;
  try {
    const [root, file] = await Promise.all([realpath(localRoot), realpath(run.destination)]);
    const relative = path.relative(root, file);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
    const stats = await lstat(file);
    if (!stats.isFile() || stats.size !== run.bytes) return undefined;
    return { path: file, fileName: run.fileName, bytes: stats.size };
  } catch {
    return undefined;
  }
}
