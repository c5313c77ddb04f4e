import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Readable } from 'node:stream';
import { cursorStream } from '../../../storage/cursor-stream.js';
import { CopyReader } from '../../../storage/copy-reader.js';
import { waitUntil } from '../../support/wait-until.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage();
});
afterAll(async () => storage.destroy());

const text = { getTypeParser: () => (value: string) => value };

/** The stream's rows, its batches joined. */
async function collect(stream: Readable): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const batch of stream) out.push(...(batch as unknown[]));
  return out;
}

/**
 * Columns a COPY line escapes or splits badly if read naively: tabs, line breaks, backslashes, a
 * text equal to `\N`, empty and null values, characters of two to four bytes (rows long enough
 * that chunks end inside them), bytea, timestamps with a time zone, JSON with escapes.
 */
const AWKWARD = `select g, 'tab\there' || g, E'line\\nbreak\\r\\n' || g, E'back\\\\slash \\\\N' || g, E'\\\\N', '', null::text,
    repeat('é€😀', g % 7) || g, decode(md5(g::text), 'hex'), timestamptz '2026-03-29 01:30:00+00' + g * interval '37 minutes',
    jsonb_build_object('q', E'say "hi"\\t' || g, 'n', g), (g % 2 = 0)
  from generate_series(1, $1::int) as s(g) order by g`;

describe('rows read through COPY', () => {
  it('are the texts the text protocol sends for the same statement, nulls and escapes included, across chunks', async () => {
    const count = 6000;
    const expected = (await storage.pool.query({ text: AWKWARD, values: [count], rowMode: 'array', types: text })).rows as Array<Array<string | null>>;
    const rows = await collect(cursorStream<Array<string | null>, Array<string | null>>(storage.pool, { text: AWKWARD, values: [count] }, async (batch) => batch, { copy: true, batchSize: 250, readAhead: 2 }));
    expect(rows).toHaveLength(count);
    expect(rows).toEqual(expected);
    expect(expected[0]![5]).toBe('');
    expect(expected[0]![6]).toBeNull();
    expect(expected[0]![4]).toBe('\\N');
  });

  it('take their parameters as literals, quotes and dates included', async () => {
    const at = new Date('2026-11-30T12:34:56.789Z');
    const rows = await collect(
      cursorStream<Array<string | null>, Array<string | null>>(
        storage.pool,
        { text: `select $1::text, $2::timestamptz = $3::timestamptz, $4::int + 1, $5::boolean, $6::text is null`, values: [`it's \\ "odd" $1`, at, at.toISOString(), 41, true, null] },
        async (batch) => batch,
        { copy: true },
      ),
    );
    expect(rows).toEqual([[`it's \\ "odd" $1`, 't', '42', 't', 't']]);
  });

  it('run under the stream\'s settings, which the connection no longer has once it is back in the pool', async () => {
    const pool = storage.pool;
    const setting = `select current_setting('max_parallel_workers_per_gather') as v`;
    const usual = (await pool.query<{ v: string }>(setting)).rows[0]!.v;
    const rows = await collect(
      cursorStream<string[], string>(pool, { text: `select current_setting('max_parallel_workers_per_gather') from generate_series(1, 3)`, values: [] }, async (batch) => batch.map((row) => row[0]!), {
        copy: true,
        settings: { max_parallel_workers_per_gather: '0' },
      }),
    );
    expect(rows).toEqual(['0', '0', '0']);
    const clients = await Promise.all(Array.from({ length: pool.idleCount }, () => pool.connect()));
    try {
      for (const client of clients) expect((await client.query<{ v: string }>(setting)).rows[0]!.v).toBe(usual);
    } finally {
      for (const client of clients) client.release();
    }
    expect(usual).not.toBe('0');
  });

  it('stop at the first error of the statement, and the connection goes back usable', async () => {
    const checkedOut = () => storage.pool.totalCount - storage.pool.idleCount;
    const before = checkedOut();
    const failing = { text: 'select 1000 / (5000 - g) from generate_series(1, 6000) as s(g)', values: [] };
    const stream = cursorStream<string[], string[]>(storage.pool, failing, async (batch) => batch, { copy: true, batchSize: 100 });
    await expect(collect(stream)).rejects.toThrow('division by zero');
    await waitUntil(() => checkedOut() === before, { what: 'the stream to give its connection back' });
    expect((await storage.pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('hold back the server when nobody reads, and a COPY left midway ends with its connection', async () => {
    const client = await storage.pool.connect();
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const reader = new CopyReader(client, { text: 'select repeat(\'x\', 100) || g from generate_series(1, 2000000) as s(g)', values: [] }, 100);
    expect(await reader.read(10)).toHaveLength(10);
    // Paused at about 100 rows: the server blocks writing to the socket long before its 2,000,000 rows.
    const state = async () => (await storage.pool.query<{ wait_event: string | null; state: string }>('select wait_event, state from pg_stat_activity where pid = $1', [pid])).rows[0];
    await waitUntil(async () => (await state())?.wait_event === 'ClientWrite', { what: 'the server to wait for the client to read' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await state())?.wait_event).toBe('ClientWrite');
    // What waits here is the paused stream's last chunk at most (about 600 rows of this size), not the rest.
    expect(reader.buffered).toBeLessThan(1000);
    expect(reader.finished).toBe(false);
    await reader.close();
    client.release(new Error('COPY stopped before its end'));
    await waitUntil(async () => (await state()) === undefined, { what: 'the backend of the stopped COPY to end' });
  });

  it('through a stream destroyed after its first rows: the connection is dropped, not pooled mid-COPY', async () => {
    const pids = new Set<number>();
    const stream = cursorStream<string[], string>(storage.pool, { text: 'select pg_backend_pid()::text from generate_series(1, 100000)', values: [] }, async (batch) => batch.map((row) => row[0]!), {
      copy: true,
      batchSize: 50,
    });
    for await (const batch of stream) {
      pids.add(Number((batch as string[])[0]));
      break;
    }
    const [pid] = [...pids];
    await waitUntil(async () => (await storage.pool.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount === 0, { what: 'the COPY\'s backend to end' });
    expect((await storage.pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
});
