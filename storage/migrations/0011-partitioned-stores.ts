import { sql, type Kysely } from 'kysely';

/**
 * Store tables become range-partitioned on `expires_at`, in place, keeping every row.
 *
 * For each store table: the old table is renamed aside, a partitioned table with the same
 * columns takes its name (primary key `(id, expires_at)`: a unique key of a partitioned table
 * must hold the partition key; ids are UUIDv7 drawn by the writer, unique by construction,
 * and nothing refers to a store row by a database constraint any more), with a default
 * partition as a safety net and one partition per UTC day of the expiries present (per calendar
 * month past 62 days ahead), plus the days the default retentions will reach next. The rows
 * are copied over and the old table dropped. Runs in the migration's one transaction.
 *
 * `consent_confirmations.consent_id` loses its foreign key (a key into a partitioned table
 * must include `expires_at`, which retention changes move): the sweeper and the deleters
 * remove a consent's confirmations with the consent row instead.
 *
 * `store_retention_moves` records the retention changes whose rows are still being moved
 * between partitions; reads hide the rows the new retention has ended while a move runs.
 *
 * Frozen: table names, columns and default retentions are written out as they were at 0011.
 */
const TABLES: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['participations', [60]],
  ['winners', [60]],
  ['consents', [60, 1095]],
  ['variables', [60]],
  ['codes', [60]],
  ['files', [30]],
  ['instant_win_claims', [60]],
  ['runtime_log', [7]],
];
const INDEXES = ['pkey', 'expires', 'page', 'subject', 'flow'];
const COLUMNS = sql`id, workspace_id, flow_id, session_id, participant_ref, subject_hash, module_id, step_id,
  default_retention_days, created_at, expires_at, data, personal`;
const DAY = 86_400_000;
const DAILY_HORIZON_DAYS = 62;
const AHEAD_MARGIN_DAYS = 2;

function stamp(at: Date): string {
  return at.toISOString().slice(0, 10).replace(/-/g, '');
}

/** The partition range of expiry day `day`: the day itself, or its month past the horizon. */
function chunk(day: Date, today: Date): [Date, Date] {
  const horizon = new Date(today.getTime() + DAILY_HORIZON_DAYS * DAY);
  if (day < horizon) return [day, new Date(day.getTime() + DAY)];
  const month = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1));
  const next = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 1));
  return [month < horizon ? horizon : month, next];
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table consent_confirmations drop constraint if exists consent_confirmations_consent_id_fkey`.execute(db);
  const clock = await sql<{ today: Date }>`select date_trunc('day', now(), 'UTC') as today`.execute(db);
  const today = clock.rows[0]!.today;

  for (const [table, retentions] of TABLES) {
    const name = `store_${table}`;
    const old = `store_${table}_unpartitioned`;
    await sql`alter table ${sql.table(name)} rename to ${sql.table(old)}`.execute(db);
    for (const index of INDEXES) await sql`alter index ${sql.table(`${name}_${index}`)} rename to ${sql.table(`${old}_${index}`)}`.execute(db);
    await sql`
      create table ${sql.table(name)} (
        id uuid not null,
        workspace_id uuid not null references workspaces (id) on delete cascade,
        flow_id uuid,
        session_id uuid,
        participant_ref text,
        subject_hash bytea,
        module_id text not null,
        step_id text,
        default_retention_days integer not null check (default_retention_days > 0),
        created_at timestamptz not null,
        expires_at timestamptz not null,
        data jsonb not null default '{}',
        personal bytea,
        constraint ${sql.id(`${name}_pkey`)} primary key (id, expires_at)
      ) partition by range (expires_at)`.execute(db);
    await sql`create index ${sql.id(`${name}_expires`)} on ${sql.table(name)} (expires_at, id)`.execute(db);
    await sql`create index ${sql.id(`${name}_page`)} on ${sql.table(name)} (workspace_id, created_at, id)`.execute(db);
    await sql`create index ${sql.id(`${name}_subject`)} on ${sql.table(name)} (workspace_id, subject_hash) where subject_hash is not null`.execute(db);
    await sql`create index ${sql.id(`${name}_flow`)} on ${sql.table(name)} (workspace_id, flow_id, created_at)`.execute(db);
    await sql`create table ${sql.table(`${name}_default`)} partition of ${sql.table(name)} default`.execute(db);

    const days = await sql<{ day: Date }>`select distinct date_trunc('day', expires_at, 'UTC') as day from ${sql.table(old)}`.execute(db);
    const wanted = days.rows.map((r) => r.day);
    for (const retention of retentions) {
      for (let extra = 0; extra <= AHEAD_MARGIN_DAYS; extra += 1) wanted.push(new Date(today.getTime() + (retention + extra) * DAY));
    }
    const ranges = new Map<string, [Date, Date]>();
    for (const day of wanted) {
      const [lower, upper] = chunk(day, today);
      ranges.set(`${name}_p${stamp(lower)}_${stamp(upper)}`, [lower, upper]);
    }
    for (const [partition, [lower, upper]] of ranges) {
      await sql`create table ${sql.table(partition)} partition of ${sql.table(name)} for values from (${sql.lit(lower.toISOString())}) to (${sql.lit(upper.toISOString())})`.execute(db);
    }
    await sql`insert into ${sql.table(name)} (${COLUMNS}) select ${COLUMNS} from ${sql.table(old)}`.execute(db);
    await sql`drop table ${sql.table(old)}`.execute(db);
  }

  await sql`
    create table store_retention_moves (
      workspace_id uuid not null references workspaces (id) on delete cascade,
      table_name text not null,
      started_at timestamptz not null,
      primary key (workspace_id, table_name)
    )`.execute(db);
}
