import { mkdir, open, rm, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';

/**
 * The kernel's part of dropping `relations` (tables, with their indexes and TOAST): files of the
 * same sizes, written and synced on the file system of the database's data directory (beside
 * it), then unlinked, timed. No PostgreSQL work is in it, so no sweep that frees the rows' disk
 * space can take less (on a mount with online `discard`, freeing includes discarding). Null when
 * the data directory is not on this machine.
 */
export async function unlinkFloorMs(db: Db, relations: readonly string[]): Promise<number | null> {
  const directory = (await sql<{ data_directory: string }>`show data_directory`.execute(db)).rows[0]!.data_directory;
  if (!existsSync(directory)) return null;
  const sizes = await sql<{ bytes: string }>`
    select pg_relation_size(c.oid) as bytes from pg_class c
    where c.oid = any(${relations}::regclass[])
      or c.oid in (select indexrelid from pg_index where indrelid = any(${relations}::regclass[]))
      or c.oid in (select reltoastrelid from pg_class where oid = any(${relations}::regclass[]))`.execute(db);
  const scratch = join(dirname(directory), `parley-unlink-floor-${process.pid}`);
  await mkdir(scratch, { recursive: true });
  try {
    const chunk = Buffer.alloc(1 << 20, 0x5a);
    const files: string[] = [];
    for (const [i, row] of sizes.rows.entries()) {
      const file = join(scratch, `f${i}`);
      const handle = await open(file, 'w');
      for (let left = Number(row.bytes); left > 0; left -= chunk.length) await handle.write(chunk, 0, Math.min(left, chunk.length));
      await handle.sync();
      await handle.close();
      files.push(file);
    }
    const began = performance.now();
    for (const file of files) await unlink(file);
    return performance.now() - began;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
