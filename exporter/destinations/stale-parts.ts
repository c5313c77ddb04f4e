import { isTemporaryName } from './temporary-name.js';

/**
 * A hidden temporary file untouched this long belongs to an upload that died (killed process,
 * lost connection): a live upload writes at least every stall window (5 min) or is aborted.
 */
export const STALE_PART_MS = 15 * 60_000;

/** One entry of a destination directory, as the destination lists it. */
export interface PartEntry {
  readonly name: string;
  /** Last modification, when the server tells it; an entry without one is left alone. */
  readonly modifiedAt: Date | undefined;
}

/** The two operations a destination lends to clean its directory (over its open session). */
export interface PartDirectory {
  /** The plain files of the directory (hidden ones included). */
  list(): Promise<readonly PartEntry[]>;
  remove(name: string): Promise<void>;
}

/**
 * Removes the hidden `.part` files that killed uploads left in a directory, after a successful
 * delivery there: only our temporary names, only those untouched for `STALE_PART_MS` (so a
 * concurrent upload's file is kept). Best effort: a failure here never fails the delivery.
 * Returns the names removed.
 *
 * @example
 * await removeStaleParts({ list: …, remove: … }); // ['.leads.csv.3f9c2a1b7e4d.part']
 */
export async function removeStaleParts(directory: PartDirectory, now = new Date(), maxAgeMs = STALE_PART_MS): Promise<string[]> {
  const removed: string[] = [];
  try {
    for (const entry of await directory.list()) {
      if (!isTemporaryName(entry.name) || entry.modifiedAt === undefined) continue;
      if (now.getTime() - entry.modifiedAt.getTime() < maxAgeMs) continue;
      try {
        await directory.remove(entry.name);
        removed.push(entry.name);
      } catch {
        // Gone already (another run cleaned it), or not ours to remove: leave it.
      }
    }
  } catch {
    // The listing failed: the next delivery tries again.
  }
  return removed;
}
