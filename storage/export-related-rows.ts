import type pg from 'pg';
import { relatedRowsSql, RETURNING_SUBJECTS, returningSubjectsSql, sessionKeys, type RelatedRead } from './export-related-sql.js';
import { runPipeline } from './pipelined-query.js';
import { applySettings, resetSettings } from './session-settings.js';
import { readSessionSpans, sessionPartitions, type SessionSpans } from './export-session-spans.js';
import { ExportRowView, hasRelatedPersonal, RAW_TYPES, RELATED_ROW_WIDTH, RelatedRowView, SEALED_NOT_READ, type ExportRow, type PersonalOpener, type RawColumns } from './export-row.js';
import type { StoreTable } from '../core/store-tables.js';

const NONE: readonly ExportRow[] = Object.freeze([]);
const TABLE_N = RELATED_ROW_WIDTH;
const SESSION_N = RELATED_ROW_WIDTH + 1;
const SUBJECT_N = RELATED_ROW_WIDTH + 2;

/** True when every row of `b` is in `a` (both in rank order). */
function within(a: readonly ExportRowView[], b: readonly ExportRowView[]): boolean {
  let i = 0;
  for (const row of b) {
    while (i < a.length && a[i]!.rank < row.rank) i += 1;
    if (a[i] !== row) return false;
  }
  return true;
}

/**
 * Two rank-ordered lists as one, oldest first, each row once (a row can be in both). The usual
 * case, a subject's rows all from the entry's own session, returns the session's list as it is.
 */
function merge(a: readonly ExportRowView[] | undefined, b: readonly ExportRowView[] | undefined): readonly ExportRow[] {
  if (!b || b.length === 0) return a ?? NONE;
  if (!a || a.length === 0 || within(b, a)) return b;
  if (within(a, b)) return a;
  const rows: ExportRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.rank < y.rank)) {
      rows.push(x!);
      i += 1;
    } else if (x === undefined || y.rank < x.rank) {
      rows.push(y);
      j += 1;
    } else {
      rows.push(x);
      i += 1;
      j += 1;
    }
  }
  return rows;
}

/** What a batch of entries needs from the related tables. */
export interface RelatedQuery extends RelatedRead {
  /** Rows of other sessions come from the flow's returning subjects, collected on connecting (see `returningSubjectsSql`). */
  readonly returning: boolean;
  readonly open: () => Promise<PersonalOpener>;
  /** The tables the export's entries come from, for finding its returning subjects (default `ENTRY_TABLES`). */
  readonly entryTables?: readonly StoreTable[] | undefined;
}

/**
 * The related-rows connection's settings for the export (see `RelatedConnection`). `work_mem`:
 * finding the returning subjects groups every row of the flow that has a subject by subject; at
 * the default 4 MB both aggregates spilled to disk (55 MB of temporary files for 200,000
 * entries) and the pass took 2.3–2.5 s, against 2.1 s in memory. `jit` off: the generic plan's
 * estimate grows with the stores' default partitions, and past `jit_above_cost` PostgreSQL
 * compiled it (377 functions) at every execution. At 5,000,000 entries (the bench's fixture,
 * PostgreSQL 15 with JIT) a batch's statement took 250–320 ms, 209 ms of it compiling, against
 * 7–30 ms without; the export then ran at a tenth of its speed at 1,000,000 entries.
 * `enable_nestloop` off: once the store tables have statistics (autovacuum analyzes them), the
 * generic plan expects a few dozen rows from the branches and joins each to the batch's sessions
 * and subjects (`unnest … with ordinality`) in a nested loop: for a batch of 250 entries, 1,025
 * rows × 450 keys compared, 41 ms against 3 ms hashed; `parley export render` of 100,000 entries
 * (PostgreSQL 15, analyzed database, alternated runs) 9.8–11.7 s against 4.0–4.1 s. Every join
 * of these statements is an equality that a hash serves, so PostgreSQL is never left without a plan.
 */
export const RELATED_SETTINGS = { max_parallel_workers_per_gather: '0', plan_cache_mode: 'force_generic_plan', work_mem: '64MB', jit: 'off', enable_nestloop: 'off' };

/** Where a batch's statement runs: whether the returning subjects are in, and the connection's session spans. */
export interface RelatedSide {
  /** Rows of other sessions come from the returning subjects (`true`) or are looked up by subject. */
  readonly returning: boolean;
  /** The related tables' session spans in the connection's snapshot (see `readSessionSpans`). */
  readonly spans: SessionSpans;
}

/** A batch's related-rows statement, for the connection it runs on. */
export type RelatedStatement = (side: RelatedSide) => { text: string; values: unknown[] };

/**
 * The connections an export reads related rows on. The statement is prepared once per
 * connection (kept in its statement cache, see `StatementCache`) and planned generically (its
 * plan does not depend on the batch), and parallel workers are off: starting them costs more
 * than a batch's few thousand index lookups.
 *
 * With `read.returning`, a second connection collects the flow's returning subjects
 * (`returningSubjectsSql`) while the first batches are read, their rows of other sessions looked
 * up by subject in each related table: the collection costs PostgreSQL seconds (about 9 s at
 * 1,000,000 entries), which the export used to wait for before its first batch. Once it is in,
 * every batch reads on that connection, and the first goes back to the pool. Both ways give the
 * same rows. An export that ends first cancels the collection.
 *
 * Each connection reads in a repeatable-read transaction of its own, from its first statement
 * (the related tables' session spans, which choose the partitions each batch reads) to its
 * return to the pool: like the entries cursor's, it holds back vacuum and keeps the partitions it
 * read from being dropped (the sweeper waits for no lock: it tries again at its next run).
 */
export class RelatedConnection {
  /** The connection of the batches read before the returning subjects are in (or of all, without them). */
  #client: Promise<pg.PoolClient> | undefined;
  /** The connection that collects the returning subjects, then reads every batch. */
  #collecting: Promise<pg.PoolClient> | undefined;
  #collected: pg.PoolClient | undefined;
  #collector: pg.PoolClient | undefined;
  /** Why the collection failed: the export ends with it. */
  #failure: unknown;
  #released = false;
  /** The last statement sent: batches read ahead ask side by side, and a connection runs one at a time. */
  #last: Promise<unknown> = Promise.resolve();
  /** Each connection's session spans, read in its transaction's snapshot. */
  readonly #spans = new WeakMap<pg.PoolClient, SessionSpans>();

  /**
   * `statementCache`: the connections' statement cache capacity (0: every statement unnamed);
   * `read`: what the export reads, for the returning subjects it collects (and drops on release).
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly statementCache: number,
    private readonly read: RelatedQuery,
  ) {}

  /** Resolves once the returning subjects are in (rejects when their collection failed); for tests. */
  async whenCollected(): Promise<void> {
    await this.#collecting;
  }

  /** Runs a batch's statement once the statements asked before it have ended (pg 9 no longer queues them). */
  query<R extends unknown[]>(statement: RelatedStatement): Promise<{ rows: R[] }> {
    const result = this.#last.then(() => this.#run<R>(statement));
    this.#last = result.catch(() => {});
    return result;
  }

  async #run<R extends unknown[]>(statement: RelatedStatement): Promise<{ rows: R[] }> {
    if (this.#released) throw new Error('The export has ended');
    if (this.read.returning && !this.#collecting) {
      this.#collecting = this.#collect();
      // A failure is kept in `#failure` and thrown by the next batch.
      this.#collecting.catch(() => {});
    }
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#collected) {
      if (this.#client) {
        // No statement runs on it (one batch at a time): back to the pool with its settings reset.
        const first = this.#client;
        this.#client = undefined;
        await this.#give(await first);
      }
      return this.#runOn<R>(this.#collected, statement({ returning: true, spans: this.#spans.get(this.#collected)! }));
    }
    this.#client ??= this.#connect();
    const client = await this.#client;
    return this.#runOn<R>(client, statement({ returning: false, spans: this.#spans.get(client)! }));
  }

  async #runOn<R extends unknown[]>(client: pg.PoolClient, statement: { text: string; values: unknown[] }): Promise<{ rows: R[] }> {
    const [result] = await runPipeline(client, [{ sql: statement.text, parameters: statement.values }], this.statementCache, { rowMode: 'array', types: RAW_TYPES });
    return { rows: result!.rows as R[] };
  }

  /**
   * A connection with the export's settings, in a repeatable-read transaction whose snapshot its
   * session spans are read in and every statement on it runs in: the spans stay exact for the
   * export (rows a retention change or the sweeper moves later are still where the snapshot saw
   * them), and the partitions they name are locked against being dropped until it ends.
   */
  #connect(): Promise<pg.PoolClient> {
    return this.pool.connect().then(async (client) => {
      try {
        await applySettings(client, RELATED_SETTINGS);
        await client.query('begin isolation level repeatable read');
        this.#spans.set(client, await readSessionSpans(client, this.read.workspaceId, this.read.tables));
        return client;
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
    });
  }

  async #collect(): Promise<pg.PoolClient> {
    const client = await this.#connect();
    this.#collector = client;
    try {
      for (const statement of returningSubjectsSql(this.read)) {
        if (this.#released) throw new Error('The export has ended');
        await client.query(statement.text, statement.values);
      }
    } catch (error) {
      this.#collector = undefined;
      this.#failure = error;
      client.release(error as Error);
      throw error;
    }
    this.#collected = client;
    return client;
  }

  /** A connection back to the pool, its transaction ended and its settings reset (destroyed when either fails). */
  async #give(client: pg.PoolClient): Promise<void> {
    const ended = await client.query('commit').then(() => undefined, (cause: Error) => cause);
    client.release(ended ?? (await resetSettings(client, RELATED_SETTINGS)));
  }

  /**
   * Gives the connections back to the pool with their settings reset (or destroys them after an
   * error), the returning subjects dropped; a collection still running is cancelled first.
   */
  async release(error?: Error): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    const first = await this.#client?.catch(() => undefined);
    const collector = this.#collector;
    if (collector && !this.#collected) {
      // Cancelled from one of the pool's connections (a batch may still run on the first after an
      // error), then destroyed: its temporary table goes with it.
      await this.pool.query('select pg_cancel_backend($1)', [(collector as unknown as { processID: number }).processID]).catch(() => undefined);
    }
    await this.#collecting?.catch(() => undefined);
    if (first) {
      if (error) first.release(error);
      else await this.#give(first);
    }
    const collected = this.#collected;
    if (!collected) return;
    if (error) {
      collected.release(error);
      return;
    }
    const dropped = await collected.query(`drop table if exists ${RETURNING_SUBJECTS}`).then(() => undefined, (cause: Error) => cause);
    if (dropped) collected.release(dropped);
    else await this.#give(collected);
  }
}

/** Entry fields that tie related rows to it: the session id and the subject hash's `\\x…` text. */
export interface RelatedKey {
  readonly sessionId: string | null;
  readonly subjectKey: string | null;
}

/** The related rows of an entry when an export reads none: one object shared by every entry. */
export const NO_RELATED_ROWS: Readonly<Partial<Record<StoreTable, readonly ExportRow[]>>> = Object.freeze({});

/** Numbers each distinct key (1-based, as `with ordinality`), and keeps each entry's number (0: none). */
function numbered(entries: readonly RelatedKey[], keyOf: (entry: RelatedKey) => string | null): { keys: string[]; of: Int32Array } {
  const index = new Map<string, number>();
  const keys: string[] = [];
  const of = new Int32Array(entries.length);
  entries.forEach((entry, i) => {
    const key = keyOf(entry);
    if (key === null) return;
    let n = index.get(key);
    if (n === undefined) {
      keys.push(key);
      n = keys.length;
      index.set(key, n);
    }
    of[i] = n;
  });
  return { keys, of };
}

/** Rows grouped by (table, key number): one list per pair that has rows, in the statement's order. */
class Groups {
  readonly #lists: Array<ExportRowView[] | undefined>;
  constructor(private readonly width: number, tables: number) {
    this.#lists = new Array(tables * (width + 1));
  }
  add(table: number, n: number, row: ExportRowView): void {
    const at = table * (this.width + 1) + n;
    (this.#lists[at] ??= []).push(row);
  }
  get(table: number, n: number): ExportRowView[] | undefined {
    return n === 0 ? undefined : this.#lists[table * (this.width + 1) + n];
  }
}

/**
 * Reads the related rows of a batch of entries in one index-served statement and returns, per
 * entry (same order), each table's rows of its session or data subject, oldest first.
 */
export async function readRelatedRows(query: RelatedQuery, connection: RelatedConnection, entries: readonly RelatedKey[]): Promise<Array<Readonly<Partial<Record<StoreTable, readonly ExportRow[]>>>>> {
  if (query.tables.length === 0) return entries.map(() => NO_RELATED_ROWS);
  const sessions = numbered(entries, (entry) => entry.sessionId);
  const subjects = numbered(entries, (entry) => entry.subjectKey);
  const keys = sessionKeys(sessions.keys);
  const result = await connection.query<Array<string | null>>(({ returning, spans }) =>
    relatedRowsSql({ ...query, returning, partitions: spans.map((tableSpans) => sessionPartitions(tableSpans, keys)) }, keys, subjects.keys));
  const sealed = query.sealedTables;
  const open = sealed.length > 0 && result.rows.some(hasRelatedPersonal) ? await query.open() : undefined;
  // Rows of a table whose sealed values were not sent refuse to be read, as in an unsealed export.
  const openers = query.tables.map((table) => (sealed.includes(table) ? open : SEALED_NOT_READ));
  const bySession = new Groups(sessions.keys.length, query.tables.length);
  const bySubject = new Groups(subjects.keys.length, query.tables.length);
  const rows = result.rows.map((raw: RawColumns, rank) => {
    const t = Number(raw[TABLE_N]);
    const row = new RelatedRowView(query.tables[t]!, raw, openers[t], rank);
    if (raw[SESSION_N] !== null) bySession.add(t, Number(raw[SESSION_N]), row);
    if (raw[SUBJECT_N] !== null) bySubject.add(t, Number(raw[SUBJECT_N]), row);
    return row;
  });
  ExportRowView.openAll(rows, open);
  return entries.map((_entry, i) => {
    const related: Partial<Record<StoreTable, readonly ExportRow[]>> = {};
    query.tables.forEach((table, t) => {
      related[table] = merge(bySession.get(t, sessions.of[i]!), bySubject.get(t, subjects.of[i]!));
    });
    return related;
  });
}
