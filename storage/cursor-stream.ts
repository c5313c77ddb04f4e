import { Readable } from 'node:stream';
import Cursor from 'pg-cursor';
import type pg from 'pg';

/**
 * Streams the result of one query through a server-side cursor on a dedicated connection, in
 * batches: `transform` turns each batch of raw rows into output objects (it may query other
 * tables for the batch). Memory holds one batch, whatever the row count.
 */
export function cursorStream<Raw, Out>(
  pool: pg.Pool,
  query: { text: string; values: unknown[] },
  transform: (rows: Raw[]) => Promise<Out[]>,
  batchSize = 1000,
): Readable {
  let client: pg.PoolClient | undefined;
  let cursor: Cursor<Raw> | undefined;
  const release = async (error?: Error) => {
    const c = client;
    client = undefined;
    if (!c) return;
    await cursor?.close().catch(() => {});
    c.release(error);
  };
  async function* batches(): AsyncGenerator<Out> {
    client = await pool.connect();
    try {
      const open = client.query(new Cursor<Raw>(query.text, query.values));
      cursor = open;
      // The next batch is fetched while this one is transformed and consumed.
      let next = open.read(batchSize);
      for (;;) {
        const rows = await next;
        if (rows.length === 0) break;
        next = open.read(batchSize);
        for (const out of await transform(rows)) yield out;
      }
      await release();
    } catch (error) {
      await release(error as Error);
      throw error;
    } finally {
      await release();
    }
  }
  return Readable.from(batches(), { objectMode: true, highWaterMark: 1 });
}
