import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { emailOf, insertRelatedEntries, RELATED_FLOW } from '../../support/related-entries-fixture.js';
import { streamFlowRecords, type ExportRecord, type RecordBatch } from '../../../storage/export-source.js';
import { createPartition } from '../../../storage/partition-maintenance.js';
import { relatedRowsSql, sessionKeys } from '../../../storage/export-related-sql.js';
import { readRelatedRows, RelatedConnection, type RelatedQuery } from '../../../storage/export-related-rows.js';
import { SEALED_NOT_READ } from '../../../storage/export-row.js';
import { readSessionSpans, sessionPartitions } from '../../../storage/export-session-spans.js';
import type pg from 'pg';
import { STORE_TABLES } from '../../../core/store-tables.js';
import type { Workspace } from '../../../storage/workspace-repository.js';

const DAY = 86_400_000;
const START = new Date('2026-06-20T08:00:00Z');
const ENTRIES = 120;

let storage: TestStorage;
let workspace: Workspace;
let flowId: string;

/** The session of entry `g`'s participation. */
async function sessionOf(g: number): Promise<string> {
  const { rows } = await storage.pool.query<{ session_id: string }>(`select session_id from store_participations where workspace_id = $1 and participant_ref = $2`, [workspace.id, `P${String(g).padStart(9, '0')}`]);
  return rows[0]!.session_id;
}

async function subjectOf(g: number): Promise<Buffer> {
  const { rows } = await storage.pool.query<{ subject_hash: Buffer }>(`select subject_hash from store_participations where workspace_id = $1 and participant_ref = $2`, [workspace.id, `P${String(g).padStart(9, '0')}`]);
  return rows[0]!.subject_hash;
}

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-07-01T08:00:00Z') });
  ({ workspace } = await flowSetup(storage));
  flowId = (await saveTestFlow(storage, workspace, 'related', RELATED_FLOW)).id;
  // A partition per day of expiry, as the sweeper leaves the stores: entries an hour apart fall
  // into five of them.
  for (const table of STORE_TABLES) {
    for (let day = 0; day < 8; day += 1) {
      const lower = new Date(Date.UTC(2026, 7, 19 + day));
      await createPartition(storage.db, table, { lower, upper: new Date(lower.getTime() + DAY) }, 1000);
    }
  }
  await insertRelatedEntries(storage.db, storage.keyring, { workspaceId: workspace.id, flowId, count: ENTRIES, start: START, spacing: 3600 });
  const late = new Date(START.getTime() + 200 * 3600_000);
  // Entry 7's participant came back days later in a session with no entry, and gave another email.
  await storage.pool.query(
    `insert into store_variables (id, workspace_id, flow_id, session_id, participant_ref, default_retention_days, created_at, expires_at, subject_hash, module_id, step_id, data, personal)
     values (gen_random_uuid(), $1, $2, $3, null, 60, $4, $4::timestamptz + interval '60 days', $5, 'email-capture', 'email', '{"variable":"email"}', $6)`,
    [workspace.id, flowId, uuidv7({ msecs: late.getTime() }), late, await subjectOf(7), await storage.keyring.encryptJson(workspace.id, { email: 'back@example.org' })],
  );
  // Entry 17's participant came back too, but that later email has expired: no export shows it.
  const expired = new Date('2026-06-29T08:00:00Z');
  await storage.pool.query(
    `insert into store_variables (id, workspace_id, flow_id, session_id, participant_ref, default_retention_days, created_at, expires_at, subject_hash, module_id, step_id, data, personal)
     values (gen_random_uuid(), $1, $2, $3, null, 60, $4, $4::timestamptz + interval '1 day', $5, 'email-capture', 'email', '{"variable":"email"}', $6)`,
    [workspace.id, flowId, uuidv7({ msecs: expired.getTime() }), expired, await subjectOf(17), await storage.keyring.encryptJson(workspace.id, { email: 'gone@example.org' })],
  );
  // Entry 8's participant declined by a partner's call, with no session at all.
  await storage.pool.query(
    `insert into store_consents (id, workspace_id, flow_id, session_id, participant_ref, default_retention_days, created_at, expires_at, subject_hash, module_id, step_id, data)
     values (gen_random_uuid(), $1, $2, null, null, 60, $3, $3::timestamptz + interval '60 days', $4, 'consent', 'optin', '{"is_optin": 0}')`,
    [workspace.id, flowId, late, await subjectOf(8)],
  );
  // Entry 62's session was opened three days before its entry (left open, then finished).
  const early = uuidv7({ msecs: START.getTime() + 57 * 3600_000 - 3 * DAY });
  const old = await sessionOf(62);
  for (const table of ['participations', 'variables', 'consents', 'codes', 'winners']) await storage.pool.query(`update store_${table} set session_id = $1 where session_id = $2`, [early, old]);
});
afterAll(async () => {
  await storage.destroy();
});

async function records(firstSeen?: { from: Date | null; to: Date }): Promise<ExportRecord[]> {
  const out: ExportRecord[] = [];
  for await (const batch of streamFlowRecords(storage, { workspaceId: workspace.id, flowId, scope: 'participants', batchSize: 25, ...(firstSeen && { firstSeen }) })) out.push(...(batch as RecordBatch));
  return out;
}

/** Each entry's related rows, as ids per table. */
const shape = (record: ExportRecord) => ({
  entry: record.entry.participantRef,
  related: Object.fromEntries(Object.entries(record.related).map(([table, rows]) => [table, rows!.map((row) => row.id)])),
});

describe('related rows of a batch of entries', () => {
  it('splits a batch into its dense run of sessions and the sessions started far from it', () => {
    const at = (ms: number) => uuidv7({ msecs: ms });
    const dense = [0, 60_000, 120_000, 3_000_000].map((ms) => at(START.getTime() + ms));
    const away = at(START.getTime() - 3 * DAY);
    const keys = sessionKeys([dense[1]!, away, dense[0]!, dense[3]!, dense[2]!]);
    expect(keys.low).toBe(dense[0]);
    expect(keys.high).toBe(dense[3]);
    expect(keys.outliers).toEqual([away]);
    expect(sessionKeys([])).toEqual({ all: [], low: null, high: null, outliers: [] });
  });

  it('finds the same rows through the returning subjects of the flow as by a lookup per subject, across partitions', async () => {
    const everything = { from: null, to: new Date('2100-01-01T00:00:00Z') };
    // Without a window the export finds returning subjects first; with one it looks each subject up.
    const [returning, perSubject] = await Promise.all([records(), records(everything)]);
    expect(returning.length).toBe(ENTRIES - ENTRIES / 5);
    expect(returning.map(shape)).toEqual(perSubject.map(shape));
    const byRef = new Map(returning.map((record) => [record.entry.participantRef, record]));
    // The email given in the later session without an entry is the subject's latest.
    const seven = byRef.get('P000000007')!;
    expect(seven.related.variables!.map((row) => row.personal?.email).filter(Boolean)).toEqual([emailOf(7), 'back@example.org']);
    // An expired row of a returning subject is not among them.
    expect(byRef.get('P000000017')!.related.variables!.map((row) => row.personal?.email).filter(Boolean)).toEqual([emailOf(17)]);
    // The consent without a session belongs to the subject's rows.
    expect(byRef.get('P000000008')!.related.consents!.map((row) => row.data.is_optin)).toEqual([1, 0]);
    // The session opened three days before its batch still brings its rows.
    const sixtyTwo = byRef.get('P000000062')!;
    expect(sixtyTwo.related.variables).toHaveLength(2);
    expect(sixtyTwo.related.consents).toHaveLength(1);
    expect(sixtyTwo.related.codes).toHaveLength(1);
  });

  // A store keeps a partition per day of expiry; a batch's statement names only the partitions
  // whose sessions span its own instead of starting a scan in every one of them.
  it('reads only the partitions that hold a batch’s sessions, wherever those rows expire', async () => {
    // Entry 3 won a draw held weeks later: that row expires past every daily partition (the default one).
    const drawn = new Date('2026-07-20T08:00:00Z');
    const late = await storage.pool.query<{ id: string }>(
      `insert into store_winners (id, workspace_id, flow_id, session_id, participant_ref, default_retention_days, created_at, expires_at, subject_hash, module_id, step_id, data)
       values (gen_random_uuid(), $1, $2, $3, null, 60, $4, $4::timestamptz + interval '60 days', $5, 'giveaway', 'draw', '{"prizeTitle": "Late prize"}') returning id`,
      [workspace.id, flowId, await sessionOf(3), drawn, await subjectOf(3)],
    );
    try {
      const client = await storage.pool.connect();
      try {
        const spans = await readSessionSpans(client, workspace.id, ['variables', 'winners']);
        const firstDay = sessionKeys(await Promise.all([1, 2, 3, 4, 5].map(sessionOf)));
        const variables = sessionPartitions(spans[0]!, firstDay);
        // Six days of entries, and the default partition (rows of later sessions without an entry).
        expect(spans[0]!.map((span) => span.name)).toEqual(['store_variables_default', ...[19, 20, 21, 22, 23, 24].map((day) => `store_variables_p202608${day}_202608${day + 1}`)]);
        // The first day's, and the third's: entry 62's session, opened three days before its entry,
        // starts that partition's span before the first day's sessions.
        expect(variables).toEqual(['store_variables_p20260819_20260820', 'store_variables_p20260821_20260822']);
        expect(sessionPartitions(spans[1]!, firstDay)).toEqual(['store_winners_default', 'store_winners_p20260819_20260820']);
        // The statement scans those two partitions, and no other partition of the table.
        const statement = relatedRowsSql({ workspaceId: workspace.id, flowId, now: storage.clock.now(), tables: ['variables'], sealedTables: [], partitions: [variables] }, firstDay, []);
        const plan = (await client.query(`explain ${statement.text}`, statement.values)).rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
        expect([...plan.matchAll(/Scan(?: using \S+)? on (store_variables_\w+)/g)].map((match) => match[1])).toEqual(variables);
        // Entry 62's session is looked for in its rows' day only.
        expect(sessionPartitions(spans[0]!, sessionKeys([await sessionOf(62)]))).toEqual(['store_variables_p20260821_20260822']);
      } finally {
        client.release();
      }
      const byRef = new Map((await records()).map((record) => [record.entry.participantRef, record]));
      expect(byRef.get('P000000003')!.related.winners!.map((row) => row.data.prizeTitle)).toContain('Late prize');
    } finally {
      await storage.pool.query(`delete from store_winners where id = $1`, [late.rows[0]!.id]);
    }
  });

  // The partitions a batch reads are chosen from spans read once: a row that moves to another
  // partition afterwards (a retention change moves rows so) would fall outside them. Every batch
  // reads in the snapshot the spans were read in, so it finds the row where it was.
  it('reads every batch in the snapshot its partitions were chosen in, so rows moved meanwhile still come', async () => {
    const session = await sessionOf(100);
    const email = async () => (await storage.pool.query<{ id: string; expires_at: Date }>(`select id, expires_at from store_variables where session_id = $1 and step_id = 'email'`, [session])).rows[0]!;
    const before = await email();
    // Without a window the export also collects returning subjects on a second connection; with one, one connection reads every batch.
    const stream = streamFlowRecords(storage, { workspaceId: workspace.id, flowId, scope: 'participants', batchSize: 10, firstSeen: { from: null, to: new Date('2100-01-01T00:00:00Z') } });
    const out: ExportRecord[] = [];
    let moved = false;
    try {
      for await (const batch of stream) {
        out.push(...(batch as RecordBatch));
        if (moved) continue;
        // Three days earlier: a partition whose spans hold none of entry 100's batch.
        await storage.pool.query(`update store_variables set expires_at = expires_at - interval '3 days' where id = $1`, [before.id]);
        moved = true;
      }
      expect((await storage.pool.query(`select tableoid::regclass::text as p from store_variables where id = $1`, [before.id])).rows[0].p).toBe('store_variables_p20260820_20260821');
      const hundred = out.find((record) => record.entry.participantRef === 'P000000100')!;
      expect(hundred.related.variables!.map((row) => row.id)).toContain(before.id);
    } finally {
      await storage.pool.query(`update store_variables set expires_at = $2 where id = $1`, [before.id, before.expires_at]);
    }
  });

  /** The related-rows query of an export of every entry, as `streamFlowRecords` makes it. */
  const relatedQuery = (): RelatedQuery => ({
    workspaceId: workspace.id,
    flowId,
    now: storage.clock.now(),
    tables: ['variables', 'consents', 'winners', 'codes', 'instant_win_claims'],
    sealedTables: [],
    returning: true,
    open: async () => SEALED_NOT_READ,
  });

  /** Connections of the test database other than this one that are inside a transaction. */
  const inTransaction = async () =>
    (await storage.pool.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`)).rows[0].n as number;

  /** The pool, except that the first connection asked for (the collector's, asked before the batch's) waits for `gate`. */
  function gatedPool(gate: Promise<void>): pg.Pool {
    let asked = 0;
    const connect = () => (asked++ === 0 ? gate.then(() => storage.pool.connect()) : storage.pool.connect());
    return Object.assign(Object.create(storage.pool) as pg.Pool, { connect });
  }

  it('reads the first batches by subject while the returning subjects are collected, then from them: the same rows', async () => {
    const { rows: keys } = await storage.pool.query<{ sessionId: string; subjectKey: string; ref: string }>(
      `select session_id as "sessionId", '\\x' || encode(subject_hash, 'hex') as "subjectKey", participant_ref as ref from store_participations where workspace_id = $1 and flow_id = $2 order by created_at`,
      [workspace.id, flowId],
    );
    const ids = (batch: Awaited<ReturnType<typeof readRelatedRows>>) => batch.map((related) => Object.fromEntries(Object.entries(related).map(([table, rows]) => [table, rows!.map((row) => row.id)])));
    let open!: () => void;
    const connection = new RelatedConnection(gatedPool(new Promise<void>((resolve) => (open = resolve))), 0, relatedQuery());
    try {
      const before = ids(await readRelatedRows(relatedQuery(), connection, keys));
      let collected = false;
      void connection.whenCollected().then(() => (collected = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(collected).toBe(false);
      open();
      await connection.whenCollected();
      const after = ids(await readRelatedRows(relatedQuery(), connection, keys));
      expect(after).toEqual(before);
      // Entry 7's later email (a session without an entry) comes both ways.
      expect(before[keys.findIndex((key) => key.ref === 'P000000007')]!.variables).toHaveLength(3);
      // The connection that reads the batches holds its snapshot (a transaction) as long as the
      // export reads; the first one has ended its own and gone back to the pool.
      expect(await inTransaction()).toBe(1);
    } finally {
      await connection.release();
    }
    expect(await inTransaction()).toBe(0);
    const left = await storage.pool.query(`select count(*)::int as n from pg_class where relname = 'parley_export_subject_rows'`);
    expect(left.rows[0].n).toBe(0);
  });

  it('cancels a collection still running when the export ends, and gives its connections back', async () => {
    const locker = await storage.pool.connect();
    const idleBefore = storage.pool.totalCount;
    try {
      // The entry table: only the collection reads it (it finds the subjects of every entry and row).
      await locker.query('begin');
      await locker.query('lock table store_participations in access exclusive mode');
      const connection = new RelatedConnection(storage.pool, 0, relatedQuery());
      const { rows } = await connection.query<[string]>(() => ({ text: 'select 1', values: [] }));
      expect(rows).toEqual([['1']]);
      const waiting = async () =>
        (await storage.pool.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'insert into pg_temp.parley_export_subject_rows%'`)).rows[0].n as number;
      while ((await waiting()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await connection.release();
      expect(await waiting()).toBe(0);
      await expect(connection.whenCollected()).rejects.toMatchObject({ code: '57014' });
    } finally {
      await locker.query('rollback');
      locker.release();
    }
    expect(storage.pool.totalCount).toBeLessThanOrEqual(idleBefore + 1);
  });
});
