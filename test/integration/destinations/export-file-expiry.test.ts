import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeExpiredExportFiles } from '../../../exporter/destinations/export-file-expiry.js';
import { createTestStorage } from '../../support/test-database.js';
import { startTestServer } from '../../support/test-server.js';
import { waitUntil } from '../../support/wait-until.js';

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

  it('a server removes its expired files at start, by the machine’s time whatever the application clock says', async () => {
    const realNow = new Date();
    const old = path.join(scratch, 'exports', 'daily', 'old.csv');
    const fresh = path.join(scratch, 'exports', 'daily', 'fresh.csv');
    for (const [file, days] of [[old, 31], [fresh, 29]] as const) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, 'email\n');
      const written = new Date(realNow.getTime() - days * 86_400_000);
      await utimes(file, written, written);
    }
    const storage = await createTestStorage({ start: new Date('2020-01-01T00:00:00Z') });
    const server = await startTestServer(storage, { PARLEY_DATA_DIR: scratch, PARLEY_EXPORT_FILE_DAYS: '30' });
    try {
      await waitUntil(async () => (await readdir(path.dirname(old))).length === 1, { what: 'the expired file to go' });
      expect(await readdir(path.dirname(old))).toEqual(['fresh.csv']);
    } finally {
      await server.close();
      await storage.destroy();
    }
  });
});
