import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import { createTestDatabase } from '../../support/test-database.js';
import { ManualClock } from '../../../core/clock.js';
import { openDatabase, type DatabaseHandle } from '../../../storage/database.js';
import { MIGRATIONS } from '../../../storage/migrations/index.js';
import { migrateToLatest } from '../../../storage/migrator.js';
import { openStorage } from '../../../storage/storage.js';
import { generateMasterKey } from '../../../storage/crypto/master-key.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import { STORE_TABLES, physicalTable } from '../../../core/store-tables.js';
import { sweepExpired } from '../../../storage/sweeper.js';

const DAY = 86_400_000;
const WORKSPACE = '00000000-0000-4000-8000-0000000000aa';
/** Expiry offsets from now, in days: long expired, expired an hour ago, live soon, live later, three years on. */
const OFFSETS = [-5, -1 / 24, 1, 30, 1095];
const PER_OFFSET = 40;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let handle: DatabaseHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDatabase(database.url, { max: 4 });
});
afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

async function migrateBefore(name: string): Promise<void> {
  const earlier = Object.fromEntries(Object.entries(MIGRATIONS).filter(([migration]) => migration < name));
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => earlier },
    migrationTableName: 'parley_migrations',
    migrationLockTableName: 'parley_migrations_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

/** The store tables 0011 partitioned (Loyalty came later, made partitioned by 0026). */
const TABLES_AT_0011 = STORE_TABLES.filter((table) => table !== 'loyalty');

/** The columns store tables had before 0011: later migrations may add some (0016 adds `preview`). */
const COLUMNS_BEFORE = ['id', 'workspace_id', 'flow_id', 'session_id', 'participant_ref', 'subject_hash', 'module_id', 'step_id',
  'default_retention_days', 'created_at', 'expires_at', 'data', 'personal'];

/** Every row of every store table (the columns it had before 0011), as text, in id order. */
async function snapshot(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES_AT_0011) {
    const rows = await sql<{ row: string }>`
      select (select jsonb_object_agg(key, value) from jsonb_each(to_jsonb(t)) where key = any(${COLUMNS_BEFORE}::text[]))::text as row
      from ${sql.table(physicalTable(table))} t order by id`.execute(handle.db);
    out[table] = rows.rows.map((r) => r.row);
  }
  return out;
}

describe('migration 0011 on a database holding rows of every store table', () => {
  it('partitions every store table in place, keeps every row and its confirmations, and the sweeper then drops what has passed', async () => {
    await migrateBefore('0011');
    await sql`insert into workspaces (id, name) values (${WORKSPACE}, 'Before partitioning')`.execute(handle.db);
    for (const table of TABLES_AT_0011) {
      for (const offset of OFFSETS) {
        await sql`
          insert into ${sql.table(physicalTable(table))}
            (id, workspace_id, module_id, default_retention_days, created_at, expires_at, data, subject_hash, personal)
          select gen_random_uuid(), ${WORKSPACE}, 'legacy', 60, now() - interval '1 day', now() + ${offset} * interval '1 day',
            jsonb_build_object('n', g, 'offset', ${offset}::float), decode(md5(g::text), 'hex'), null
          from generate_series(1, ${PER_OFFSET}) g`.execute(handle.db);
      }
    }
    await sql`
      insert into consent_confirmations (id, workspace_id, consent_id, token_hash, created_at, expires_at)
      select gen_random_uuid(), workspace_id, id, decode(md5(id::text), 'hex'), now(), now() + interval '7 days'
      from store_consents`.execute(handle.db);
    const before = await snapshot();
    expect(Object.values(before).every((rows) => rows.length === OFFSETS.length * PER_OFFSET)).toBe(true);

    expect((await migrateToLatest(handle.db))[0]).toBe('0011-partitioned-stores');

    const kinds = await sql<{ relkind: string }>`
      select relkind from pg_class where relname = any(${TABLES_AT_0011.map((t) => physicalTable(t))}::text[])`.execute(handle.db);
    expect(kinds.rows.map((r) => r.relkind)).toEqual(TABLES_AT_0011.map(() => 'p'));
    expect(await snapshot()).toEqual(before);
    // Every row sits in a partition of its own expiry, none in the default: the three-year ones in
    // a monthly partition, the others in daily ones.
    const placed = await sql<{ part: string; offset: number }>`
      select distinct tableoid::regclass::text as part, (data->>'offset')::float as offset from store_consents order by 2`.execute(handle.db);
    expect(placed.rows.every((r) => !r.part.endsWith('_default'))).toBe(true);
    const far = placed.rows.filter((r) => r.offset === 1095).map((r) => r.part);
    expect(far).toHaveLength(1);
    expect(far[0]).toMatch(/^store_consents_p\d{8}_\d{6}01$/);
    const confirmations = await sql<{ n: string }>`select count(*) as n from consent_confirmations`.execute(handle.db);
    expect(Number(confirmations.rows[0]!.n)).toBe(OFFSETS.length * PER_OFFSET);

    // The application reads the live rows through its normal paths, and writes new ones.
    const clock = new ManualClock(new Date());
    const storage = await openStorage({ connectionString: database.url, masterKey: generateMasterKey(), clock, schedule: false, poolSize: 4 });
    try {
      for (const table of TABLES_AT_0011) {
        const page = await listStoreRows(storage, WORKSPACE, table, { limit: 1000 });
        expect(page.rows.length).toBe(3 * PER_OFFSET);
      }
      // The sweep drops the passed day and deletes the hour-old rows from today's partition,
      // with the consent confirmations of both.
      const report = await sweepExpired(storage.db, { now: clock.now(), tables: TABLES_AT_0011 });
      expect(report.tables.map((t) => t.rowsDeleted)).toEqual(TABLES_AT_0011.map(() => 2 * PER_OFFSET));
      expect(report.tables.every((t) => t.partitionsDropped >= 1)).toBe(true);
      const left = await sql<{ n: string }>`select count(*) as n from consent_confirmations`.execute(storage.db);
      expect(Number(left.rows[0]!.n)).toBe(3 * PER_OFFSET);
    } finally {
      await storage.close();
    }
  });
});
