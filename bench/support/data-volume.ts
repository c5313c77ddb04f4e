import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';

/**
 * The file system under the database's data directory, as `/proc/mounts` of this machine says
 * (Linux): type, device and whether it is mounted with online `discard`. What a DROP TABLE costs
 * is mostly the kernel freeing the dropped files, and online discard makes that slower (the
 * freed blocks are discarded as they are freed); figures taken on another mount do not compare.
 * "unknown" when the server is not on this machine or its data directory cannot be read.
 */
export async function dataVolume(db: Db): Promise<string> {
  let directory: string;
  try {
    directory = (await sql<{ data_directory: string }>`show data_directory`.execute(db)).rows[0]!.data_directory;
  } catch {
    return 'unknown (the data directory is not readable by this role)';
  }
  if (!existsSync(directory) || !existsSync('/proc/mounts')) return 'unknown (the server is not on this machine)';
  const real = realpathSync(directory);
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length >= 4)
    .map(([device, point, type, options]) => ({ device: device!, point: point!.replace(/\\040/g, ' '), type: type!, options: options!.split(',') }))
    .filter((m) => real === m.point || real.startsWith(m.point.endsWith('/') ? m.point : `${m.point}/`))
    .sort((a, b) => b.point.length - a.point.length);
  const mount = mounts[0];
  if (!mount) return 'unknown (no mount found)';
  return `${mount.type} on ${mount.device} (${mount.point}), ${mount.options.includes('discard') ? 'online discard on' : 'no online discard'}`;
}
