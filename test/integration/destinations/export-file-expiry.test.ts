import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeExpiredExportFiles } from '../../../exporter/destinations/export-file-expiry.js';

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'parley-export-files-'));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const NOW = new Date('2026-12-04T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

async function file(relative: string, written: Date): Promise<string> {
  const full = path.join(scratch, relative);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, 'email\nann@example.org\n');
  await utimes(full, written, written);
  return full;
}

describe('local export files expire', () => {
  it('removes the files written before the cut-off in every folder, keeps newer ones, folders and symbolic links', async () => {
    await file('exports/daily/old.csv', daysAgo(31));
    await file('exports/daily/new.csv', daysAgo(1));
    await file('exports/a/b/c/older.csv.gpg', daysAgo(400));
    const outside = await file('elsewhere/keep.csv', daysAgo(400));
    await symlink(outside, path.join(scratch, 'exports/daily/link.csv'));

    expect(await removeExpiredExportFiles(path.join(scratch, 'exports'), daysAgo(30))).toEqual({ removed: 2, kept: 1 });
    expect((await readdir(path.join(scratch, 'exports/daily'))).sort()).toEqual(['link.csv', 'new.csv']);
    expect(await readdir(path.join(scratch, 'exports/a/b/c'))).toEqual([]);
    expect(await readdir(path.join(scratch, 'elsewhere'))).toEqual(['keep.csv']);
    // A second pass finds nothing more to remove.
    expect(await removeExpiredExportFiles(path.join(scratch, 'exports'), daysAgo(30))).toEqual({ removed: 0, kept: 1 });
  });

  it('is nothing to do when no export was ever delivered locally', async () => {
    expect(await removeExpiredExportFiles(path.join(scratch, 'exports'), NOW)).toEqual({ removed: 0, kept: 0 });
  });
});
