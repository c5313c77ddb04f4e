import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase } from '../../support/test-database.js';
import { openDatabase, type DatabaseHandle } from '../../../storage/database.js';
import { migrateTo, migrateToLatest } from '../../../storage/migrator.js';
import { MIGRATIONS } from '../../../storage/migrations/index.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
const opened: Array<{ database: TestDatabase; handle: DatabaseHandle }> = [];

async function emptyDatabase(): Promise<Kysely<any>> {
  const database = await createTestDatabase();
  const handle = openDatabase(database.url, { max: 2 });
  opened.push({ database, handle });
  return handle.db;
}

/**
 * The schema as text: every relation of `public` with its kind, partitioning, columns, constraints
 * and index definitions, sorted, so two databases compare line by line.
 */
async function describeSchema(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{ line: string }>`
    select format('relation %s %s %s', c.relname, c.relkind, coalesce(pg_get_partkeydef(c.oid), '')) as line
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')
    union all
    select format('column %s.%s %s null=%s default=%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), not a.attnotnull,
                  coalesce(pg_get_expr(d.adbin, d.adrelid), '-'))
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
    union all
    select format('constraint %s %s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public'
    union all
    select format('index %s', pg_get_indexdef(i.indexrelid))
      from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public'
  `.execute(db);
  return rows.rows.map((r) => r.line).sort();
}

afterAll(async () => {
  for (const { database, handle } of opened) {
    await handle.close();
    await database.drop();
  }
});

describe('migrations', () => {
  const names = Object.keys(MIGRATIONS);
  let stepByStep: Kysely<any>;

  beforeAll(async () => {
    stepByStep = await emptyDatabase();
  });

  it('are listed in the order they apply', () => {
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('apply one at a time from the first, each exactly once', async () => {
    for (const name of names) expect(await migrateTo(stepByStep, name)).toEqual([name]);
    expect(await migrateToLatest(stepByStep)).toEqual([]);
  });

  it('build the same schema on an empty database in one go as step by step', async () => {
    const inOneGo = await emptyDatabase();
    expect(await migrateToLatest(inOneGo)).toEqual(names);
    const expected = await describeSchema(stepByStep);
    expect(expected.some((line) => line.startsWith('relation store_participations'))).toBe(true);
    expect(await describeSchema(inOneGo)).toEqual(expected);
  });

  it('0021 fills the subject ledger from the live entries and wins already stored, one row per subject, and none for an expired one', async () => {
    const db = await emptyDatabase();
    await migrateTo(db, '0020-chat-entry-notify');
    const workspace = '00000000-0000-4000-8000-000000000021';
    const flow = '00000000-0000-4000-8000-0000000000f1';
    await sql`insert into workspaces (id, name) values (${workspace}, 'Before the ledger')`.execute(db);
    const row = (table: string, subject: string, createdAt: string, days: number) => sql`
      insert into ${sql.table(`store_${table}`)} (id, workspace_id, flow_id, module_id, subject_hash, default_retention_days, created_at, expires_at, data)
      values (gen_random_uuid(), ${workspace}, ${flow}, ${table === 'winners' ? 'instant-win' : 'giveaway'}, ${Buffer.from(subject)},
        ${days}, ${createdAt}::timestamptz, ${createdAt}::timestamptz + make_interval(days => ${days}), '{}')`.execute(db);
    const now = Date.now();
    const ago = (days: number) => new Date(now - days * 86_400_000).toISOString();
    await row('participations', 'ann', ago(3), 60);
    await row('participations', 'ann', ago(1), 60);
    await row('participations', 'bob', ago(90), 60); // expired: no ledger row
    await row('winners', 'ann', ago(2), 30);
    await row('variables', 'ann', ago(2), 60); // not a table looked up by subject
    await migrateToLatest(db);
    const ledger = await sql<{ table_name: string; subject: string; rows_written: number; last_created_at: Date; expires_at: Date }>`
      select table_name, convert_from(subject_hash, 'UTF8') as subject, rows_written, last_created_at, expires_at
      from store_subjects where workspace_id = ${workspace} order by table_name`.execute(db);
    expect(ledger.rows.map((r) => [r.table_name, r.subject, r.rows_written, r.last_created_at.toISOString(), r.expires_at.getTime()])).toEqual([
      ['participations', 'ann', 2, ago(1), Date.parse(ago(1)) + 60 * 86_400_000],
      ['winners', 'ann', 1, ago(2), Date.parse(ago(2)) + 30 * 86_400_000],
    ]);
  });

  it('0032 counts, for the sessions still kept, each step shown to a session the last rollup counted done, at the steps it counted', async () => {
    const db = await emptyDatabase();
    await migrateTo(db, '0031-api-key-access');
    const workspace = '00000000-0000-4000-8000-000000000032';
    const flow = '00000000-0000-4000-8000-0000000000f2';
    await sql`insert into workspaces (id, name) values (${workspace}, 'Before step completions')`.execute(db);
    await sql`insert into flows (id, workspace_id, slug, hash_id, name, status, definition) values (${flow}, ${workspace}, 'ab', 'h32', 'A/B', 'open', '{}')`.execute(db);
    // Counted by the last rollup: A done after a, b, c; B left at a; C done, though a step came after that rollup.
    const sessions: Array<[string, string[], number, boolean]> = [
      ['00000000-0000-4000-8000-00000000000a', ['a', 'b', 'c'], 3, true],
      ['00000000-0000-4000-8000-00000000000b', ['a'], 1, false],
      ['00000000-0000-4000-8000-00000000000c', ['a', 'c', 'd'], 2, true],
    ];
    for (const [id, steps, counted, done] of sessions) {
      await sql`insert into chat_sessions (id, workspace_id, flow_id, resume_token_hash, participant_ref, status, started_at, updated_at, expires_at, steps_seen)
        values (${id}, ${workspace}, ${flow}, ${Buffer.from(id)}, ${id}, ${done ? 'done' : 'active'}, now(), now(), now() + interval '1 day', ${steps})`.execute(db);
      await sql`insert into flow_stats_sessions (session_id, day, seq, left_step, done, steps_counted) values (${id}, '2026-12-01', 1, null, ${done}, ${counted})`.execute(db);
    }
    for (const step of ['a', 'b', 'c', 'd']) await sql`insert into flow_stats_daily (flow_id, day, step_id, reached) values (${flow}, '2026-12-01', ${step}, 1)`.execute(db);
    await migrateToLatest(db);
    const counts = await sql<{ step_id: string; completed: number }>`select step_id, completed from flow_stats_daily where flow_id = ${flow} order by step_id`.execute(db);
    expect(counts.rows).toEqual([{ step_id: 'a', completed: 2 }, { step_id: 'b', completed: 1 }, { step_id: 'c', completed: 2 }, { step_id: 'd', completed: 0 }]);
  });
});
