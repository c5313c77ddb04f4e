import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Readable } from 'node:stream';
import { cursorStream } from '../../../storage/cursor-stream.js';
import { waitUntil } from '../../support/wait-until.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage();
});
afterAll(async () => storage.destroy());

const series = (count: number) => ({ text: 'select s.g::text as v from generate_series(1, $1::int) as s(g) order by s.g', values: [count] });

/** The stream's chunks: one array per batch. */
async function batches(stream: Readable): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for await (const batch of stream) out.push(batch as unknown[]);
  return out;
}

async function collect(stream: Readable): Promise<unknown[]> {
  return (await batches(stream)).flat();
}

describe('cursorStream with batches read ahead', () => {
  it('yields every row once, a batch per chunk, in the statement\'s order, whatever the transforms\' finishing order', async () => {
    let transforms = 0;
    let inFlight = 0;
    let mostInFlight = 0;
    const stream = cursorStream<string[], number>(
      storage.pool,
      series(95),
      async (rows) => {
        transforms += 1;
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        // Later batches finish first: the stream must still push them in order.
        await new Promise((resolve) => setTimeout(resolve, (10 - transforms) * 3));
        inFlight -= 1;
        return rows.map((row) => Number(row[0]));
      },
      { batchSize: 10, readAhead: 3, rowMode: 'array' },
    );
    const chunks = await batches(stream);
    expect(chunks.map((chunk) => chunk.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
    expect(chunks.flat()).toEqual(Array.from({ length: 95 }, (_, i) => i + 1));
    expect(transforms).toBe(10);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(3);
  });

  it('reads the rows of readAheadRows more batches before their transforms start, each row once and in order', async () => {
    // Each row takes a number from a sequence when the cursor reads it, so the sequence tells how far the reads went.
    const sequence = `cursor_reads_${process.pid}`;
    await storage.pool.query(`create sequence ${sequence}`);
    try {
      const readSoFar = async () => Number((await storage.pool.query<{ n: string }>(`select case when is_called then last_value else 0 end as n from ${sequence}`)).rows[0]!.n);
      const started: number[] = [];
      const stream = cursorStream<string[], number>(
        storage.pool,
        { text: `select nextval('${sequence}')::text from generate_series(1, 45)`, values: [] },
        async (rows) => {
          started.push(Number(rows[0]![0]));
          if (started.length === 1) {
            // While the first batch is being transformed, the rows of two more batches are read (no more), not transformed.
            await waitUntil(async () => (await readSoFar()) === 30, { what: 'the rows of two batches to be read ahead', describe: async () => `${await readSoFar()} rows read` });
            expect(started).toEqual([1]);
          }
          return rows.map((row) => Number(row[0]));
        },
        { batchSize: 10, readAhead: 1, readAheadRows: 2, rowMode: 'array' },
      );
      const chunks = await batches(stream);
      expect(chunks.flat()).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
      expect(started).toEqual([1, 11, 21, 31, 41]);
    } finally {
      await storage.pool.query(`drop sequence ${sequence}`);
    }
  });

  it('fails with a later batch\'s error and gives its connection back', async () => {
    const checkedOut = () => storage.pool.totalCount - storage.pool.idleCount;
    const before = checkedOut();
    const stream = cursorStream<string[], number>(
      storage.pool,
      series(100),
      async (rows) => {
        if (rows[0]![0] === '41') throw new Error('batch five failed');
        return rows.map((row) => Number(row[0]));
      },
      { batchSize: 10, readAhead: 2, rowMode: 'array' },
    );
    await expect(collect(stream)).rejects.toThrow('batch five failed');
    await waitUntil(() => checkedOut() === before, { what: 'the stream to give its connection back' });
    const again = await collect(cursorStream<string[], number>(storage.pool, series(3), async (rows) => rows.map((row) => Number(row[0])), { rowMode: 'array' }));
    expect(again).toEqual([1, 2, 3]);
  });

  it('holds its settings for its own statement only, and chooses the statement on its connection', async () => {
    const pool = storage.pool;
    const setting = async () => (await pool.query<{ v: string }>('select current_setting($1) as v', ['max_parallel_workers_per_gather'])).rows[0]!.v;
    const usual = await setting();
    const stream = cursorStream<string[], string>(
      pool,
      async (client) => {
        const seen = await client.query<{ v: string }>(`select current_setting('max_parallel_workers_per_gather') as v`);
        return { text: `select $1::text || ':' || current_setting('max_parallel_workers_per_gather') from generate_series(1, 3)`, values: [seen.rows[0]!.v] };
      },
      async (rows) => rows.map((row) => row[0]!),
      { rowMode: 'array', settings: { max_parallel_workers_per_gather: '0' } },
    );
    expect(await collect(stream)).toEqual(['0:0', '0:0', '0:0']);
    // Every idle connection of the pool (the stream's among them) has the usual value again.
    const idle = pool.idleCount;
    const clients = await Promise.all(Array.from({ length: idle }, () => pool.connect()));
    try {
      for (const client of clients) expect((await client.query<{ v: string }>(`select current_setting('max_parallel_workers_per_gather') as v`)).rows[0]!.v).toBe(usual);
    } finally {
      for (const client of clients) client.release();
    }
    expect(usual).not.toBe('0');
    expect(() => cursorStream(pool, series(1), async (rows) => rows, { settings: { 'work_mem; drop table x': '1' } })).toThrow('Not a setting name');
  });
});
