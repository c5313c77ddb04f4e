import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * How to reach the embedded PostgreSQL of a running Parley server. The server writes it to
 * `dataDir/server.json` (mode 0600) once its database is up and removes it on a clean stop, so
 * that `parley` commands run in the same data directory use that database instead of starting a
 * second PostgreSQL on a locked directory.
 */
export interface EmbeddedServerRecord {
  /** The Parley server process. */
  readonly pid: number;
  /** The embedded PostgreSQL's postmaster process and port (on 127.0.0.1). */
  readonly postgresPid: number | undefined;
  readonly port: number;
  /** Where the server's master key came from: a CLI must use the same one. */
  readonly masterKey: 'environment' | 'file';
  readonly startedAt: string;
}

export function serverRecordPath(dataDir: string): string {
  return path.join(dataDir, 'server.json');
}

/** True when a process with this pid exists (ours or another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes this process's record atomically (a reader never sees half a file). */
export async function writeServerRecord(dataDir: string, record: Omit<EmbeddedServerRecord, 'pid' | 'startedAt'>): Promise<void> {
  const file = serverRecordPath(dataDir);
  const full: EmbeddedServerRecord = { pid: process.pid, ...record, startedAt: new Date().toISOString() };
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

/** The record of a live server in `dataDir`; undefined when there is none or its process is gone. */
export async function readLiveServerRecord(dataDir: string): Promise<EmbeddedServerRecord | undefined> {
  const record = parse(await readFile(serverRecordPath(dataDir), 'utf8').catch(() => undefined));
  return record && record.pid !== process.pid && isAlive(record.pid) ? record : undefined;
}

/** Removes the record if this process wrote it (a newer server's record is left alone). */
export async function removeServerRecord(dataDir: string): Promise<void> {
  const record = parse(await readFile(serverRecordPath(dataDir), 'utf8').catch(() => undefined));
  if (record?.pid === process.pid) await rm(serverRecordPath(dataDir), { force: true });
}

function parse(text: string | undefined): EmbeddedServerRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<EmbeddedServerRecord>;
    const whole = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0;
    if (!whole(value.pid) || !whole(value.port) || value.port > 65535) return undefined;
    return {
      pid: value.pid,
      postgresPid: whole(value.postgresPid) ? value.postgresPid : undefined,
      port: value.port,
      masterKey: value.masterKey === 'environment' ? 'environment' : 'file',
      startedAt: String(value.startedAt ?? ''),
    };
  } catch {
    return undefined;
  }
}
