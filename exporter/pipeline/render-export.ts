import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { createSerializer, createSerializerStream, type Serializer } from '../serializers/index.js';
import type { CompiledExport } from './record-mapper.js';
import type { ExportRecord } from '../../storage/export-source.js';

/** The thin stream shell around a record mapper: records in, cell arrays out, rejected rows dropped. */
export class MapperStream extends Transform {
  #rows = 0;
  constructor(private readonly compiled: CompiledExport, private readonly onProgress?: (rows: number) => void) {
    super({ objectMode: true, highWaterMark: 256 });
  }

  /** Rows that passed the conditions so far. */
  get rows(): number {
    return this.#rows;
  }

  override _transform(record: ExportRecord, _encoding: BufferEncoding, callback: TransformCallback): void {
    let cells: string[] | null;
    try {
      cells = this.compiled.map(record);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (cells) {
      this.#rows += 1;
      if (this.onProgress && this.#rows % 1000 === 0) this.onProgress(this.#rows);
      callback(null, cells);
    } else {
      callback();
    }
  }
}

export interface RenderedExport {
  /** The file's bytes, to pipe into encryption and a destination. */
  readonly output: Readable;
  readonly serializer: Serializer;
  /** Rows written so far (final once `output` has ended). */
  rows(): number;
}

/**
 * records → conditions and field mapping → serializer, as one stream pipeline: memory stays flat
 * whatever the row count, and an error or abort anywhere destroys every stage.
 */
export function renderExport(input: { compiled: CompiledExport; format: Parameters<typeof createSerializer>[0]; records: Readable; signal?: AbortSignal; onProgress?: (rows: number) => void }): RenderedExport {
  const serializer = createSerializer(input.format, input.compiled.columns);
  const mapper = new MapperStream(input.compiled, input.onProgress);
  const bytes = createSerializerStream(serializer);
  const output = pipeline(input.records, mapper, bytes, () => {});
  if (input.signal) {
    const abort = () => output.destroy(input.signal!.reason instanceof Error ? input.signal!.reason : new Error('Export aborted'));
    if (input.signal.aborted) abort();
    else input.signal.addEventListener('abort', abort, { once: true });
  }
  return { output, serializer, rows: () => mapper.rows };
}

/** The first `limit` accepted rows of a record stream, then the stream is closed. */
export async function previewRows(compiled: CompiledExport, records: Readable, limit: number): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const record of records) {
    const cells = compiled.map(record as ExportRecord);
    if (cells) rows.push(cells);
    if (rows.length >= limit) break;
  }
  records.destroy();
  return rows;
}
