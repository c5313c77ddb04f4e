import { Readable } from 'node:stream';
import Cursor from 'pg-cursor';
import type pg from 'pg';

/**
 * Streams the result of one query through a server-side cursor on a dedicated connection, in
 * batches: `transform` turns each batch of raw rows into output objects (it may query other
 * tables for the batch). The next batch is read and transformed while this one is consumed, and a
 * batch is pushed whole (no promise per row). Memory holds about two batches, whatever the row count.
 */
export function cursorStream<Raw, Out>(
  pool: pg.Pool,
  query: { text: string; values: unknown[] },
  transform: (rows: Raw[]) => Promise<Out[]>,
  options: {
    batchSize?: number | undefined;
    /** pg type parsers for the cursor's rows. */
    types?: { getTypeParser(oid: number, format?: string): unknown } | undefined;
    /** Awaited once before the stream takes its connection. */
    before?: (() => Promise<void>) | undefined;
    /** Called once when the stream ends or is destroyed (with the error, if any). */
    onClose?: ((error?: Error) => Promise<void>) | undefined;
  } = {},
): Readable {
  const batchSize = options.batchSize ?? 1000;
  let client: pg.PoolClient | undefined;
  let cursor: Cursor<Raw> | undefined;
  let pending: Promise<Out[] | null> | undefined;
  let released = false;
  const release = async (error?: Error) => {
    if (released) return;
    released = true;
    const c = client;
    client = undefined;
    if (c) {
      await cursor?.close().catch(() => {});
      c.release(error);
    }
    await options.onClose?.(error).catch(() => {});
  };
  const fetchBatch = async (): Promise<Out[] | null> => {
    const rows = await cursor!.read(batchSize);
    return rows.length === 0 ? null : transform(rows);
  };
  const prefetch = () => {
    pending = fetchBatch();
    pending.catch(() => {}); // observed when awaited by the next read
  };
  return new Readable({
    objectMode: true,
    highWaterMark: batchSize,
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
          cursor = client.query(new Cursor<Raw>(query.text, query.values, options.types ? { types: options.types } as Cursor.CursorQueryConfig : undefined));
          prefetch();
        }
        for (;;) {
          const batch = await pending!;
          if (batch === null) {
            await release();
            this.push(null);
            return;
          }
          prefetch();
          if (batch.length === 0) continue;
          for (const out of batch) this.push(out);
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
