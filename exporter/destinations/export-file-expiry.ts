import type { Dirent } from 'node:fs';
import { lstat, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';

/** What one pass over the local export folder did. */
export interface ExpiredFilesReport {
  /** Files last written before the cut-off, now removed. */
  readonly removed: number;
  /** Files kept (written since). */
  readonly kept: number;
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/**
 * Removes the files under `root` (the local destinations' folder) last written before `before`:
 * delivered exports hold personal data, and a file kept there is kept no longer than the operator
 * allows (`PARLEY_EXPORT_FILE_DAYS`), as stored rows are. Symbolic links are neither followed
 * nor removed, folders stay, and a file another process removed meanwhile is no error. The run
 * history then refuses to download a removed file, as it does a replaced one.
 */
export async function removeExpiredExportFiles(root: string, before: Date): Promise<ExpiredFilesReport> {
  let removed = 0;
  let kept = 0;
  const walk = async (directory: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const file = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        await walk(file);
        continue;
      }
      if (!entry.isFile()) continue;
      const written = await lstat(file).then((stats) => stats.mtime, (error: unknown) => (isMissing(error) ? undefined : Promise.reject(error)));
      if (written === undefined) continue;
      if (written >= before) {
        kept += 1;
        continue;
      }
      await unlink(file).catch((error: unknown) => (isMissing(error) ? undefined : Promise.reject(error)));
      removed += 1;
    }
  };
  await walk(root);
  return { removed, kept };
}
