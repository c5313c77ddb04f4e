/**
 * A pure formatter for one file format: text before the rows, the text of each row, text after
 * the rows. It holds no state, so any row can be rendered (and tested) on its own; the stream
 * shell (serializer-stream.ts) calls it and batches the output into Buffers.
 */
export interface Serializer {
  /** File extension without the dot, e.g. `csv`. */
  readonly extension: string;
  /** MIME type of the file, e.g. `text/csv; charset=utf-8`. */
  readonly contentType: string;
  /** Number of cells every row must have (one per column). */
  readonly columnCount: number;
  /** Text before the first row: BOM, XML prolog, header line, `[`. */
  begin(): string;
  /** Text of one row; `index` is its 0-based position (a JSON array puts a comma before all rows but the first). */
  row(cells: readonly string[], index: number): string;
  /** Text after the last row. */
  end(): string;
}
