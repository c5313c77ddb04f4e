import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { openStorage, type Storage } from '../../storage/storage.js';
import { generateMasterKey } from '../../storage/crypto/master-key.js';

/** URL of database `name` on the server behind `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A fresh, empty database of its own for one test file (tests never share state). It is
 * dropped by `drop()`; a failing test may leave it behind as evidence.
 */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const adminUrl = inject('pgAdminUrl');
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: databaseUrl(adminUrl, name),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export interface TestStorage extends Storage {
  readonly clock: ManualClock;
  readonly url: string;
  readonly masterKey: string;
  /** Closes the storage and drops the database. */
  destroy(): Promise<void>;
}

/** A migrated storage on a fresh database, with a manual clock and a random master key. */
export async function createTestStorage(options: { schedule?: boolean; start?: Date } = {}): Promise<TestStorage> {
  const database = await createTestDatabase();
  const clock = new ManualClock(options.start ?? new Date());
  const masterKey = generateMasterKey();
  const storage = await openStorage({ connectionString: database.url, masterKey, clock, schedule: options.schedule ?? false, poolSize: 20 });
  return Object.assign(Object.create(null), storage, {
    clock,
    url: database.url,
    masterKey,
    async destroy() {
      await storage.close();
      await database.drop();
    },
  }) as TestStorage;
}
