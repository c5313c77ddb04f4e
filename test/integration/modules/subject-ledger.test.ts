import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow, type TestVisitor } from '../../support/flow-harness.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import { deleteAllStoreRows, deleteStoreRow, eraseSubjectRows } from '../../../storage/store-deleter.js';
import { updateWorkspace } from '../../../storage/workspace-repository.js';
import { sweepExpired } from '../../../storage/sweeper.js';
import { GIVEAWAY_DEFAULTS } from '../../../modules/giveaway/giveaway-module.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { type StoreWrite } from '../../../storage/store-writer.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { writeStoreRowAtMost } from '../../../storage/store-unique-writer.js';
import { resumeRetentionMoves } from '../../../storage/retention-move.js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPartition } from '../../../storage/partition-maintenance.js';
import { partitionName } from '../../../storage/store-partitions.js';
import { waitUntil } from '../../support/wait-until.js';

/**
 * The subject ledger (storage/subject-ledger.ts) answers "has this subject an entry / a win?"
 * without reading the store's partitions. These tests drive flows as participants and owners
 * would, at each point where the ledger could drift from the store: a row deleted by hand, a
 * retention change either way, an erasure, storage off, the sweep.
 */

const T0 = new Date('2025-06-02T08:00:00.000Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const CONFIRM = 'You are in';
const ALREADY = GIVEAWAY_DEFAULTS.alreadyText;

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: T0 });
});
afterAll(async () => storage.destroy());

const raffle = {
  name: 'Raffle',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'draw' },
    { id: 'draw', module: 'giveaway', config: { confirmText: CONFIRM, frequency: 'once' } },
  ],
};

/** A workspace (with `settings`) and its once-only raffle; `enter(email)` walks a new session and returns what the bot said. */
async function raffleSetup(settings: Record<string, unknown> = {}) {
  storage.clock.set(T0);
  const { workspace, visitor } = await flowSetup(storage, { workspace: settings });
  const flow = await saveTestFlow(storage, workspace, 'raffle', raffle);
  const enter = async (email: string) => {
    const v = visitor('raffle');
    await v.start();
    return v.texts(await v.answer(email));
  };
  const entries = async () => (await listStoreRows(storage, workspace.id, 'participations', { flowId: flow.id, limit: 100 })).rows;
  return { workspace, flow, enter, entries };
}

/** The workspace's ledger rows: table, module and rows written, in a stable order. */
async function ledger(workspaceId: string) {
  const rows = await sql<{ table_name: string; module_id: string; rows_written: number }>`
    select table_name, module_id, rows_written from store_subjects where workspace_id = ${workspaceId}
    order by table_name, module_id, rows_written`.execute(storage.db);
  return rows.rows;
}

/** Live store rows with a subject that no ledger row covers (a bound below their expiry or creation): none may exist. */
async function uncovered(workspaceId: string): Promise<number> {
  const now = storage.clock.now();
  const found = await sql<{ n: string }>`
    select count(*) as n from (
      select workspace_id, flow_id, subject_hash, 'participations' as table_name, module_id, preview, created_at, expires_at from store_participations
      union all
      select workspace_id, flow_id, subject_hash, 'winners', module_id, preview, created_at, expires_at from store_winners) r
    where r.workspace_id = ${workspaceId} and r.subject_hash is not null and r.expires_at > ${now}
      and not exists (
        select 1 from store_subjects s
        where (s.workspace_id, s.flow_id, s.subject_hash, s.table_name, s.module_id, s.preview)
            = (r.workspace_id, r.flow_id, r.subject_hash, r.table_name, r.module_id, r.preview)
          and s.expires_at >= r.expires_at and s.last_created_at >= r.created_at)`.execute(storage.db);
  return Number(found.rows[0]!.n);
}

describe('subject ledger: giveaway entries at most once', () => {
  it('an entry the owner deleted by hand no longer counts: the same email may enter again', async () => {
    const { workspace, enter, entries } = await raffleSetup();
    expect(await enter('ann@example.org')).toEqual([CONFIRM]);
    expect(await enter('ann@example.org')).toEqual([ALREADY]);
    expect(await ledger(workspace.id)).toEqual([{ table_name: 'participations', module_id: 'giveaway', rows_written: 1 }]);

    const [entry] = await entries();
    expect(await deleteStoreRow(storage, workspace.id, 'participations', entry!.id)).toBe(true);
    expect(await enter('ann@example.org')).toEqual([CONFIRM]);
    expect(await enter('ann@example.org')).toEqual([ALREADY]);
    expect(await entries()).toHaveLength(1);
    expect(await uncovered(workspace.id)).toBe(0);
  });

  it('a longer retention keeps an entry counting past its old expiry; a shorter one frees the email at once', async () => {
    const { workspace, enter } = await raffleSetup({ retention: { tables: { participations: 1 } } });
    expect(await enter('longer@example.org')).toEqual([CONFIRM]);
    await updateWorkspace(storage, workspace.id, { retention: { tables: { participations: 30 } } });
    expect(await uncovered(workspace.id)).toBe(0);
    storage.clock.advance(2 * DAY);
    // The entry now lives 30 days: without the ledger raised with it, this would be a second entry.
    expect(await enter('longer@example.org')).toEqual([ALREADY]);

    await updateWorkspace(storage, workspace.id, { retention: { tables: { participations: 1 } } });
    expect(await enter('longer@example.org')).toEqual([CONFIRM]);
    expect(await enter('longer@example.org')).toEqual([ALREADY]);
    expect(await uncovered(workspace.id)).toBe(0);
  });

  it('an entry written under the old retention while a longer one is saved, then moved by the retention move, keeps counting', async () => {
    storage.clock.set(T0);
    const workspace = await createWorkspace(storage, { name: 'Race', retention: { tables: { participations: 1 } } });
    const entry: StoreWrite & { subject: string; flowId: string } = {
      table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 60, flowId: randomUUID(), subject: 'racer@example.org', data: {},
    };
    // Another process holds the move, so it runs only when this test says.
    const mover = new pg.Client({ connectionString: storage.url });
    await mover.connect();
    try {
      await mover.query(`select pg_advisory_lock(hashtextextended($1, 0))`, [`parley-retention-move:${workspace.id}:participations`]);
      let written!: () => void;
      const commit = new Promise<void>((resolve) => (written = resolve));
      let saved!: Promise<unknown>;
      // The entry's statement runs under the 1-day retention; the 30-day one commits before the entry does.
      await storage.db.transaction().execute(async (trx) => {
        expect(await writeStoreRow({ ...storage, db: trx, keyring: storage.keyring.forDb(trx) }, workspace.id, entry)).toMatchObject({ stored: true });
        saved = updateWorkspace(storage, workspace.id, { retention: { tables: { participations: 30 } } }).then(written);
        await commit;
      });
      await saved;
    } finally {
      await mover.end();
    }
    await resumeRetentionMoves(storage.db, storage.clock.now());
    const [row] = (await listStoreRows(storage, workspace.id, 'participations', { limit: 10 })).rows;
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(30 * DAY);
    expect(await uncovered(workspace.id)).toBe(0);
    storage.clock.advance(2 * DAY);
    expect(await writeStoreRowAtMost(storage, workspace.id, entry, null)).toEqual({ stored: false, reason: 'already_exists' });
  });

  it('erasing a subject removes its ledger rows with its entries; emptying the table removes the rest', async () => {
    const { workspace, enter, entries } = await raffleSetup();
    expect(await enter('gone@example.org')).toEqual([CONFIRM]);
    expect(await enter('kept@example.org')).toEqual([CONFIRM]);
    expect(await ledger(workspace.id)).toHaveLength(2);

    const erased = await eraseSubjectRows(storage, workspace.id, 'gone@example.org');
    expect(erased.participations).toBe(1);
    expect(await ledger(workspace.id)).toHaveLength(1);
    expect(await enter('gone@example.org')).toEqual([CONFIRM]);

    expect(await deleteAllStoreRows(storage, workspace.id, 'participations')).toBe(2);
    expect(await ledger(workspace.id)).toEqual([]);
    expect(await entries()).toEqual([]);
    expect(await enter('kept@example.org')).toEqual([CONFIRM]);
  });

  it('storage off, for the workspace or the giveaway module, leaves no ledger row', async () => {
    for (const settings of [{ storageEnabled: false }, { storageOffModules: ['giveaway'] }]) {
      const { workspace, enter, entries } = await raffleSetup();
      await updateWorkspace(storage, workspace.id, settings);
      expect(await enter('private@example.org')).toEqual([GIVEAWAY_DEFAULTS.storageOffText]);
      expect(await entries()).toEqual([]);
      expect(await ledger(workspace.id)).toEqual([]);
    }
  });

  it('the sweep purges the ledger rows whose bound has passed, and only those', async () => {
    const { workspace, enter } = await raffleSetup({ retention: { tables: { participations: 2 } } });
    expect(await enter('early@example.org')).toEqual([CONFIRM]);
    storage.clock.advance(DAY);
    expect(await enter('late@example.org')).toEqual([CONFIRM]);

    storage.clock.advance(DAY + HOUR);
    const report = await sweepExpired(storage.db, { now: storage.clock.now() });
    expect(report.subjectLedgerRowsDeleted).toBeGreaterThanOrEqual(1);
    expect(await ledger(workspace.id)).toHaveLength(1);
    expect(await enter('early@example.org')).toEqual([CONFIRM]);
    expect(await enter('late@example.org')).toEqual([ALREADY]);
    expect(await uncovered(workspace.id)).toBe(0);
  });
});

describe('subject ledger: instant-win wins per participant', () => {
  const tee = { id: 'tee', title: 'a T-shirt', stock: 10 };
  const flowOf = (config: Record<string, unknown>) => ({
    name: 'Instant win',
    opensAt: T0.toISOString(),
    closesAt: new Date(T0.getTime() + HOUR).toISOString(),
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'win' },
      { id: 'win', module: 'instant-win', config: { winText: 'You won {{prize}}!', loseText: 'Not this time.', ...config } },
    ],
  });
  const play = async (visitor: TestVisitor, email: string) => {
    await visitor.start();
    return visitor.texts(await visitor.answer(email));
  };

  for (const mode of ['moments', 'odds'] as const) {
    it(`${mode}: a winner wins once; after the owner deletes that win by hand, the same email can win again`, async () => {
      storage.clock.set(T0);
      const { workspace, visitor } = await flowSetup(storage);
      const config = mode === 'moments' ? { prizes: [tee] } : { mode: 'odds', odds: 1, prizes: [tee] };
      const flow = await saveTestFlow(storage, workspace, `win-${mode}`, flowOf(config));
      storage.clock.set(new Date(T0.getTime() + HOUR - 1));
      expect(await play(visitor(`win-${mode}`), 'lucky@example.org')).toEqual(['You won a T-shirt!']);
      expect(await play(visitor(`win-${mode}`), 'lucky@example.org')).toEqual(['Not this time.']);
      expect(await ledger(workspace.id)).toEqual([{ table_name: 'winners', module_id: 'instant-win', rows_written: 1 }]);

      const [win] = (await listStoreRows(storage, workspace.id, 'winners', { flowId: flow.id, limit: 10 })).rows;
      expect(await deleteStoreRow(storage, workspace.id, 'winners', win!.id)).toBe(true);
      expect(await play(visitor(`win-${mode}`), 'lucky@example.org')).toEqual(['You won a T-shirt!']);
      expect(await play(visitor(`win-${mode}`), 'lucky@example.org')).toEqual(['Not this time.']);
      expect(await ledger(workspace.id)).toEqual([{ table_name: 'winners', module_id: 'instant-win', rows_written: 2 }]);
      // Both losses were the limit (every moment is due, the odds are 1), none a lost draw.
      const plays = (await listStoreRows(storage, workspace.id, 'instant_win_claims', { flowId: flow.id, limit: 10 })).rows;
      expect(plays.map((p) => [p.data.won, p.data.limitReached ?? false]).sort()).toEqual([[false, true], [false, true], [true, false], [true, false]]);
      expect(await uncovered(workspace.id)).toBe(0);
    });
  }

  it('a new email plays without reading the winners store: with a live partition of it locked, it still wins; a known winner waits for the store', async () => {
    storage.clock.set(T0);
    const { workspace, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'locked', flowOf({ prizes: [tee] }));
    storage.clock.set(new Date(T0.getTime() + HOUR - 1));
    expect(await play(visitor('locked'), 'first@example.org')).toEqual(['You won a T-shirt!']);
    // A live partition no insert of this test lands in (rows expire 60 days on), held by another session.
    const range = { lower: new Date(T0.getTime() + 10 * DAY), upper: new Date(T0.getTime() + 11 * DAY) };
    const locked = partitionName('winners', range.lower, range.upper);
    expect(await createPartition(storage.db, 'winners', range, 1000)).toBe(true);
    /** Whether a session waits for a lock on the held partition before `play` ends. */
    const waitsForStore = async (play: Promise<unknown>): Promise<boolean> => {
      let ended = false;
      void play.finally(() => (ended = true)).catch(() => undefined);
      while (!ended) {
        const waiting = await sql<{ n: string }>`
          select count(*) as n from pg_locks l join pg_class c on c.oid = l.relation where c.relname = ${locked} and not l.granted`.execute(storage.db);
        if (Number(waiting.rows[0]!.n) > 0) return true;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return false;
    };
    const holder = new pg.Client({ connectionString: storage.url });
    await holder.connect();
    const plays: Array<Promise<string[]>> = [];
    try {
      await holder.query('begin');
      await holder.query(`lock table ${locked} in access exclusive mode`);
      plays.push(play(visitor('locked'), 'second@example.org'));
      expect(await waitsForStore(plays[0]!)).toBe(false);
      // A subject the ledger has seen is counted in the store, and that read waits.
      plays.push(play(visitor('locked'), 'first@example.org'));
      expect(await waitsForStore(plays[1]!)).toBe(true);
    } finally {
      await holder.end();
    }
    expect(await Promise.all(plays)).toEqual([['You won a T-shirt!'], ['Not this time.']]);
  });
});
