import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../../../core/errors.js';
import type { FormatOptions } from '../../../../exporter/serializers/format-options.js';
import { createSerializer } from '../../../../exporter/serializers/serializer-factory.js';
import { createSerializerStream } from '../../../../exporter/serializers/serializer-stream.js';

const COLUMNS = [{ name: 'id', maxSize: 8 }, { name: 'email', maxSize: 24 }, { name: 'note', maxSize: 16 }];

/** Row `i` of a synthetic export, with quotes, commas and non-ASCII text now and then. */
function rowAt(i: number): string[] {
  return [String(i), `user${i}@example.com`, i % 7 === 0 ? `Zoë, "n°${i}"\n🎉` : 'ok'];
}

/** `count` rows in batches of `size` (the stream's chunks), the last one shorter. */
function* batches(count: number, size = 250): Generator<string[][]> {
  for (let i = 0; i < count; i += size) yield Array.from({ length: Math.min(size, count - i) }, (_, k) => rowAt(i + k));
}

/** A sink that only counts bytes and chunks, and keeps everything when asked. */
function countingSink(keep = false): Writable & { bytes: number; chunks: number; text: () => string } {
  const parts: Buffer[] = [];
  const sink = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        sink.bytes += chunk.length;
        sink.chunks += 1;
        if (keep) parts.push(chunk);
        callback();
      },
    }),
    { bytes: 0, chunks: 0, text: () => Buffer.concat(parts).toString('utf8') },
  );
  return sink;
}

describe('createSerializerStream', () => {
  it.each<FormatOptions>([{ type: 'csv' }, { type: 'json' }, { type: 'xml' }, { type: 'txt', layout: 'fixed' }])(
    'streams 200,000 rows of %j, a batch per chunk, byte count equal to the pure begin + rows + end',
    async (format) => {
      const count = 200_000;
      const serializer = createSerializer(format, COLUMNS);
      let expected = Buffer.byteLength(serializer.begin()) + Buffer.byteLength(serializer.end());
      for (let i = 0; i < count; i += 1) expected += Buffer.byteLength(serializer.row(rowAt(i), i));
      const stream = createSerializerStream(serializer);
      const sink = countingSink();
      await pipeline(Readable.from(batches(count)), stream, sink);
      expect(sink.bytes).toBe(expected);
      expect(stream.rows).toBe(count);
      expect(sink.chunks).toBeLessThan(count / 100);
    },
  );

  it('gives exactly the pure output, including the JSON commas that depend on the row index', async () => {
    const serializer = createSerializer({ type: 'json' }, COLUMNS);
    const sink = countingSink(true);
    await pipeline(Readable.from(batches(1_000, 7)), createSerializerStream(serializer, { batchSize: 100 }), sink);
    const expected = serializer.begin() + Array.from({ length: 1_000 }, (_, i) => serializer.row(rowAt(i), i)).join('') + serializer.end();
    expect(sink.text()).toBe(expected);
    expect(JSON.parse(sink.text())).toHaveLength(1_000);
  });

  it('writes the begin and end texts when there are no rows', async () => {
    const sink = countingSink(true);
    await pipeline(Readable.from([]), createSerializerStream(createSerializer({ type: 'xml' }, COLUMNS)), sink);
    expect(sink.text()).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<rows>\n</rows>\n');
  });

  it('fails the pipeline with export_failed when a row does not have one cell per column', async () => {
    const stream = createSerializerStream(createSerializer({ type: 'csv' }, COLUMNS));
    const failure = pipeline(Readable.from([[rowAt(0), ['only one cell']]]), stream, countingSink());
    await expect(failure).rejects.toBeInstanceOf(ParleyError);
    await expect(failure).rejects.toMatchObject({ code: 'export_failed', details: { row: 1, expected: 3 } });
  });
});
