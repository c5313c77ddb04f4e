import { Readable } from 'node:stream';
import Cursor from 'pg-cursor';
import type pg from 'pg';
import { applySettings, checkSettingNames, resetSettings, type SessionSettings } from './session-settings.js';
import { CopyReader } from './copy-reader.js';

/** What reads the statement's rows `n` at a time: a pg cursor or a `CopyReader`. */
interface RowReader<Raw> {
  read(n: number): Promise<Raw[]>;
  close(): Promise<void>;
}

/** A statement and its parameters. */
export interface CursorQuery {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * Streams the result of one query through a server-side cursor on a dedicated connection, in
 * batches: `transform` turns each batch of raw rows into output objects (it may query other
 * tables for the batch). The next `readAhead` batches are read and transformed while this one is
 * consumed (the cursor's reads one after another, their transforms side by side), and the rows of
 * `readAheadRows` more batches are read before their transforms start. Each chunk of
 * the stream is one batch (a non-empty `Out[]`), so the stages after it pay a stream write per
 * batch, not per row (see `MapperStream` in exporter/pipeline for what that saved). Memory holds
 * `readAhead + 1` batches (one more in the stream's buffer) and the raw rows of `readAheadRows`,
 * whatever the row count.
 * The query may be chosen on the stream's connection first (a function of it), and `settings`
 * hold for the cursor's statement only: set after connecting, reset before the connection goes
 * back to the pool (destroyed instead when the reset fails).
 */
export function cursorStream<Raw, Out>(
  pool: pg.Pool,
  query: CursorQuery | ((client: pg.PoolClient) => Promise<CursorQuery>),
  transform: (rows: Raw[]) => Promise<Out[]>,
  options: {
    batchSize?: number | undefined;
    /** Batches read and transformed ahead of the one being consumed (default 1). */
    readAhead?: number | undefined;
    /**
     * Batches whose rows are read beyond those, their transforms not started (default 0): a
     * transform that waits on other queries (about 5 ms for an export's related rows) then starts
     * as soon as a batch is consumed, without first waiting for the cursor's round trip, which
     * waits in turn for the event loop to finish what it is doing. See `streamFlowRecords`.
     */
    readAheadRows?: number | undefined;
    /** pg type parsers for the cursor's rows. */
    types?: { getTypeParser(oid: number, format?: string): unknown } | undefined;
    /** `'array'`: rows as arrays of column values (no object per row). */
    rowMode?: 'array' | undefined;
    /**
     * Read the rows through `COPY (query) TO STDOUT` instead of a cursor (see `CopyReader`): each
     * row an array of column texts (nulls as null), as with `rowMode: 'array'` and text parsers.
     */
    copy?: boolean | undefined;
    /** Session settings (name → value) for the cursor's statement, e.g. planner settings. */
    settings?: SessionSettings | undefined;
    /** Awaited once before the stream takes its connection. */
    before?: (() => Promise<void>) | undefined;
    /** Called once when the stream ends or is destroyed (with the error, if any). */
    onClose?: ((error?: Error) => Promise<void>) | undefined;
  } = {},
): Readable {
  const batchSize = options.batchSize ?? 1000;
  let client: pg.PoolClient | undefined;
  let cursor: RowReader<Raw> | undefined;
  const readAhead = Math.max(1, options.readAhead ?? 1);
  const readAheadRows = Math.max(0, options.readAheadRows ?? 0);
  /** Batches read and transformed or being so, oldest first; null once the cursor is exhausted. */
  const pending: Array<Promise<Out[] | null>> = [];
  /** Rows read or being read whose transforms have not started, oldest first. */
  const unread: Array<Promise<Raw[]>> = [];
  let lastRead: Promise<unknown> = Promise.resolve();
  let exhausted = false;
  let released = false;
  const release = async (error?: Error) => {
    if (released) return;
    released = true;
    const c = client;
    client = undefined;
    if (c) {
      await cursor?.close().catch(() => {});
      // A COPY stopped midway leaves its connection in the middle of the output: destroyed.
      const interrupted = cursor instanceof CopyReader && !cursor.finished ? new Error('COPY stopped before its end') : undefined;
      c.release(error ?? interrupted ?? (await resetSettings(c, settings)));
    }
    await options.onClose?.(error).catch(() => {});
  };
  const settings = options.settings ?? {};
  checkSettingNames(settings);
  const fetchBatch = async (read: Promise<Raw[]>): Promise<Out[] | null> => {
    const rows = await read;
    if (rows.length === 0) {
      exhausted = true;
      return null;
    }
    return transform(rows);
  };
  const prefetch = () => {
    while (!exhausted && pending.length + unread.length < readAhead + readAheadRows) {
      const read = lastRead.then(() => cursor!.read(batchSize));
      lastRead = read.catch(() => {}); // also observes a read left unconsumed when the stream is destroyed
      unread.push(read);
    }
    while (pending.length < readAhead && unread.length > 0) {
      const batch = fetchBatch(unread.shift()!);
      batch.catch(() => {}); // observed when awaited by a later read()
      pending.push(batch);
    }
  };
  return new Readable({
    objectMode: true,
    highWaterMark: 1,
    async read() {
      try {
        if (!client && !released) {
          await options.before?.();
          const connected = await pool.connect();
          if (released) {
            connected.release();
            return;
          }
          client = connected;
          await applySettings(client, settings);
          const statement = typeof query === 'function' ? await query(client) : query;
          const config = { ...(options.types && { types: options.types }), ...(options.rowMode && { rowMode: options.rowMode }) } as Cursor.CursorQueryConfig;
          // With `copy`, rows are arrays of texts (`CopyRow`): the caller's `Raw` says so.
          cursor = options.copy
            ? (new CopyReader(client, statement, batchSize * (readAhead + 1)) as RowReader<unknown> as RowReader<Raw>)
            : client.query(new Cursor<Raw>(statement.text, statement.values, config));
          prefetch();
        }
        for (;;) {
          const batch = (await pending.shift()) ?? null;
          if (batch === null) {
            await release();
            this.push(null);
            return;
          }
          prefetch();
          if (batch.length === 0) continue;
          this.push(batch);
          return;
        }
      } catch (error) {
        await release(error as Error);
        this.destroy(error as Error);
      }
    },
    destroy(error, callback) {
      release(error ?? undefined).then(() => callback(error), () => callback(error));
    },
  });
}
