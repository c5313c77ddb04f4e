import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ParleyError } from '../../../core/errors.js';
import { MAX_CODE_LENGTH, normalizeCode } from '../../../storage/code-pool-repository.js';

/** Longest line (record) of a code CSV, in characters: far above a code, so extra columns fit. */
export const MAX_CSV_LINE_CHARS = 4_096;
/** Bad lines one refusal lists (the file is read on until then, so one upload shows many). */
export const MAX_REPORTED_LINES = 20;

/** How a code CSV is read. */
export interface CodeCsvOptions {
  /** The first line names the columns and is skipped. */
  readonly header: boolean;
  /** More lines than this is `payload_too_large` (413). */
  readonly maxLines: number;
  /** Codes per yielded batch: the most the reader holds at once. */
  readonly batchSize: number;
}

/** A line that holds no valid code: its 1-based number and why (never its content). */
export interface BadLine {
  readonly line: number;
  readonly reason: string;
}

/**
 * Why the first column of a CSV line is not a code, or undefined when it is one. The reason
 * describes the rule broken, never the value. U+FFFD counts as a decoding error.
 */
export function codeProblem(field: string): string | undefined {
  // Bytes that are not UTF-8 decode to U+FFFD, which would otherwise pass as a symbol.
  if (field.includes('\uFFFD')) return 'The line is not UTF-8 text';
  if (normalizeCode(field) !== undefined) return undefined;
  const code = field.trim();
  if (code === '') return 'The first column is empty';
  if ([...code.normalize('NFC')].length > MAX_CODE_LENGTH) return `The code is longer than ${MAX_CODE_LENGTH} characters`;
  return 'The code holds a character codes cannot have (control characters, line breaks or tabs)';
}

/**
 * What a parser refusal means for the owner, without the parser's text (which quotes the
 * input). `start` is the line where the refused record began: a record that spans lines
 * opened a quote there that was never closed.
 */
function parserProblem(error: CsvError, start: number): BadLine {
  const end = Number(error.lines);
  if (error.code === 'CSV_QUOTE_NOT_CLOSED' || (error.code === 'CSV_MAX_RECORD_SIZE' && end > start)) return { line: start, reason: 'A quote opened here is never closed' };
  if (error.code === 'CSV_MAX_RECORD_SIZE') return { line: start, reason: `The line is longer than ${MAX_CSV_LINE_CHARS} characters` };
  return { line: start, reason: 'The line cannot be read as CSV' };
}

/** The refusal of a file with bad lines: each line's number and reason; nothing is added. */
export function badLinesError(lines: readonly BadLine[], more: boolean): ParleyError {
  const first = lines[0]!;
  const others = lines.length - 1;
  const tail = others === 0 ? '' : ` (and ${others}${more ? '+' : ''} more ${others === 1 && !more ? 'line' : 'lines'})`;
  return new ParleyError('validation_failed', `Line ${first.line}: ${first.reason}${tail}. No code was added.`, { details: { lines, more } });
}

/** True when every field of a record is blank: a blank line, skipped. */
function isBlank(record: readonly string[]): boolean {
  return record.every((field) => field.trim() === '');
}

/**
 * Reads a code list from a CSV stream (UTF-8, comma-separated, optional BOM, any line ending):
 * the code is each line's first column, other columns are ignored, blank lines are skipped.
 * Yields the codes in `normalizeCode` form, in batches of `batchSize`, as they are parsed, so
 * memory holds one batch whatever the file's size; the stream is paused while a batch is used.
 *
 * After the first bad line nothing more is yielded, but reading goes on to list up to
 * `MAX_REPORTED_LINES` of them; then it throws `validation_failed` with each line's number and
 * reason in `details.lines`. A file without codes is refused the same way, a line past
 * `maxLines` with `payload_too_large`. The source is drained (and discarded) once reading
 * stops, so an early refusal can still be answered.
 *
 * @example
 * for await (const batch of codeCsvBatches(req, { header: false, maxLines: 1e6, batchSize: 5000 })) await insert(batch);
 */
export async function* codeCsvBatches(source: Readable, options: CodeCsvOptions): AsyncGenerator<string[]> {
  // The last line of the last record parsed, kept as the parser goes (records it queued are lost when it fails).
  let parsedTo = 0;
  const parser = parse({
    bom: true, relax_column_count: true, relax_quotes: true, record_delimiter: ['\r\n', '\n', '\r'], max_record_size: MAX_CSV_LINE_CHARS, info: true,
    on_record: (record, context) => {
      parsedTo = context.lines;
      return record;
    },
  });
  const forward = (error: Error) => parser.destroy(error);
  source.once('error', forward);
  source.pipe(parser);
  const bad: BadLine[] = [];
  let batch: string[] = [];
  let records = 0;
  let codes = 0;
  let more = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (info.lines > options.maxLines) throw new ParleyError('payload_too_large', `A code list may have at most ${options.maxLines} lines`, { details: { line: info.lines } });
      records += 1;
      if ((options.header && records === 1) || isBlank(record)) continue;
      const problem = codeProblem(record[0] ?? '');
      if (problem !== undefined) {
        if (bad.length === MAX_REPORTED_LINES) {
          more = true;
          break;
        }
        bad.push({ line: info.lines, reason: problem });
        continue;
      }
      codes += 1;
      if (bad.length > 0) continue;
      batch.push(normalizeCode(record[0]!)!);
      if (batch.length >= options.batchSize) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    bad.push(parserProblem(error, parsedTo + 1));
  } finally {
    source.off('error', forward);
    source.unpipe(parser);
    parser.destroy();
    source.resume();
  }
  if (bad.length > 0) throw badLinesError(bad, more);
  if (codes === 0) throw new ParleyError('validation_failed', 'The file holds no codes. No code was added.', { details: { lines: [], more: false } });
  if (batch.length > 0) yield batch;
}
