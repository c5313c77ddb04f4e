import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/** A row of `COPY … TO STDOUT` in text format: each column's text (as the text protocol sends it), or null. */
export type CopyRow = Array<string | null>;

const NEWLINE = 0x0a;
const ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const ESCAPED = /\\(.)/g;

/** One column of a COPY text line: `\N` is null; backslash escapes undone (COPY writes no others than these). */
function column(text: string): string | null {
  if (text === '\\N') return null;
  return text.includes('\\') ? text.replace(ESCAPED, (_, c: string) => ESCAPES[c] ?? c) : text;
}

/** The rows of the complete lines of `text` (each ends with a newline), appended to `rows`. */
export function parseCopyLines(text: string, rows: CopyRow[]): void {
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    const line = text.slice(start, end);
    start = end + 1;
    // A line without a backslash holds no escape and no null: its columns are its tab-separated parts.
    rows.push(line.includes('\\') ? line.split('\t').map(column) : line.split('\t'));
  }
}

/**
 * Inlines a statement's parameters as literals: `COPY (query)` takes none. Dates become
 * timestamptz literals, numbers and booleans their text, strings quoted by the driver
 * (`escapeLiteral`); the statements are code constants, so `$n` appears nowhere but as a
 * parameter.
 */
export function inlineParameters(text: string, values: readonly unknown[]): string {
  const escape = pg.escapeLiteral;
  return text.replace(/\$(\d+)\b/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= values.length) throw new Error(`Statement parameter $${n} has no value`);
    const value = values[index];
    if (value === null || value === undefined) return 'null';
    if (value instanceof Date) return `${escape(value.toISOString())}::timestamptz`;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value === 'string') return escape(value);
    throw new Error(`Statement parameter $${n} cannot be inlined`);
  });
}

/**
 * The rows of a query read through PostgreSQL's `COPY (query) TO STDOUT`, `n` at a time, as a
 * pg-cursor reads them. Unlike a cursor, the server streams rows without a round trip per batch
 * and the client splits text lines instead of parsing a message per row and a buffer per column.
 * Measured on an export of 500,000 entries (`parley export render`, the bench's 7 entry fields
 * with 5 filters, eight alternated runs each): 3.38 s → 3.12 s (medians); the export process sat
 * idle waiting for rows 18 % of its time instead of 35 %. The
 * stream is paused once `highWater` rows wait, so memory holds about that many whatever the row
 * count. A COPY cannot be stopped midway on its connection: `close()` before the end leaves the
 * connection unusable (`finished` false), to be destroyed rather than returned to the pool.
 */
export class CopyReader {
  readonly #stream: ReturnType<typeof copyTo>;
  readonly #rows: CopyRow[] = [];
  #carry: Buffer | undefined;
  #ended = false;
  #error: Error | undefined;
  #waiter: { n: number; resolve: (rows: CopyRow[]) => void; reject: (error: Error) => void } | undefined;

  constructor(client: pg.PoolClient, statement: { text: string; values: readonly unknown[] }, private readonly highWater: number) {
    this.#stream = client.query(copyTo(`copy (${inlineParameters(statement.text, statement.values)}) to stdout`));
    this.#stream.on('data', (chunk: Buffer) => this.#take(chunk));
    this.#stream.on('end', () => {
      this.#ended = true;
      if (this.#carry) this.#error = new Error('COPY output ended inside a row');
      this.#settle();
    });
    this.#stream.on('error', (error: Error) => {
      this.#error = error;
      this.#settle();
    });
  }

  /** True once the server sent every row and the connection is back to normal. */
  get finished(): boolean {
    return this.#ended;
  }

  /** Rows received and not yet read. */
  get buffered(): number {
    return this.#rows.length;
  }

  /** Up to `n` rows; an empty array once every row was read. */
  read(n: number): Promise<CopyRow[]> {
    if (this.#waiter) return Promise.reject(new Error('A COPY read is already pending'));
    return new Promise((resolve, reject) => {
      this.#waiter = { n, resolve, reject };
      this.#settle();
    });
  }

  /** Stops reading: the rest of the rows, if any, are not received. */
  async close(): Promise<void> {
    if (!this.#ended) this.#stream.destroy();
  }

  #take(chunk: Buffer): void {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last === -1) {
      this.#carry = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
      return;
    }
    // A newline byte never occurs inside a multi-byte UTF-8 character: lines are decoded whole.
    const head = this.#carry ? Buffer.concat([this.#carry, chunk.subarray(0, last + 1)]) : chunk.subarray(0, last + 1);
    this.#carry = last + 1 < chunk.length ? chunk.subarray(last + 1) : undefined;
    parseCopyLines(head.toString('utf8'), this.#rows);
    if (this.#rows.length >= this.highWater) this.#stream.pause();
    this.#settle();
  }

  #settle(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    if (this.#error) {
      this.#waiter = undefined;
      waiter.reject(this.#error);
    } else if (this.#rows.length >= waiter.n || this.#ended) {
      this.#waiter = undefined;
      waiter.resolve(this.#rows.splice(0, waiter.n));
      if (this.#rows.length < this.highWater && !this.#ended) this.#stream.resume();
    } else {
      this.#stream.resume();
    }
  }
}
