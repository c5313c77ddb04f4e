import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { codeCsvBatches, MAX_CSV_LINE_CHARS } from '../../../runtime/http/api/code-csv-reader.js';
import { ParleyError } from '../../../core/errors.js';

const options = { header: false, maxLines: 1_000, batchSize: 3 };

/** Every batch the reader yields for `chunks`, or the error it throws. */
async function read(chunks: Array<string | Buffer>, overrides: Partial<typeof options> = {}): Promise<string[][] | ParleyError> {
  const batches: string[][] = [];
  try {
    for await (const batch of codeCsvBatches(Readable.from(chunks.map((c) => Buffer.from(c))), { ...options, ...overrides })) batches.push(batch);
    return batches;
  } catch (error) {
    if (error instanceof ParleyError) return error;
    throw error;
  }
}

describe('codeCsvBatches', () => {
  it('yields normalized codes in batches of at most batchSize, across chunk boundaries and line endings', async () => {
    expect(await read(['A1\r\nB', '2\nC3\rD4\n', '\n  E5  \n"F,6",ignored\n'])).toEqual([['A1', 'B2', 'C3'], ['D4', 'E5', 'F,6']]);
    expect(await read(['x\n'.repeat(7)])).toEqual([['x', 'x', 'x'], ['x', 'x', 'x'], ['x']]);
  });

  it('splits no multi-byte character that straddles two chunks', async () => {
    const bytes = Buffer.from('Été\n');
    expect(await read([bytes.subarray(0, 1), bytes.subarray(1)])).toEqual([['Été']]);
  });

  it('yields nothing once a line is bad, and names the line where an unclosed quote opened', async () => {
    const error = await read(['OK-1\nOK-2\nOK-3\nOK-4\n\n"open\nmore\nOK-5\n']);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).details).toEqual({ lines: [{ line: 6, reason: 'A quote opened here is never closed' }], more: false });
    const swallowed = await read([`OK\n"${'q\n'.repeat(MAX_CSV_LINE_CHARS)}`]);
    expect((swallowed as ParleyError).details).toEqual({ lines: [{ line: 2, reason: 'A quote opened here is never closed' }], more: false });
  });

  it('refuses a line past maxLines with payload_too_large, even when the lines are blank', async () => {
    const error = await read(['A\n', '\n'.repeat(10), 'B\n'], { maxLines: 5 });
    expect(error).toMatchObject({ code: 'payload_too_large', details: { line: 6 } });
  });
});
