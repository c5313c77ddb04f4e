import { ValidationError } from '../../core/errors.js';
import { createCsvSerializer } from './csv-serializer.js';
import type { ExportColumn } from './export-column.js';
import type { FormatOptions, FormatType } from './format-options.js';
import { validateFormatOptions } from './format-options-validator.js';
import { createJsonSerializer } from './json-serializer.js';
import type { Serializer } from './serializer.js';
import { createTxtSerializer } from './txt-serializer.js';
import { createXmlSerializer } from './xml-serializer.js';

type Factory<T extends FormatType> = (
  format: Extract<FormatOptions, { type: T }>,
  columns: readonly ExportColumn[],
  columnsPath: string,
) => Serializer;

/** One factory per format, keyed by the format's `type`. */
const FACTORIES: { readonly [T in FormatType]: Factory<T> } = Object.freeze({
  csv: createCsvSerializer,
  xml: createXmlSerializer,
  json: createJsonSerializer,
  txt: createTxtSerializer,
});

/** Where the format options and columns sit in the export definition, for error paths. */
export interface SerializerPaths {
  /** Default `/format`. */
  readonly formatPath?: string;
  /** Default `/columns`. */
  readonly columnsPath?: string;
}

/**
 * Builds the serializer for a format and its columns, checking both first (ValidationError
 * with the JSON path of the first problem).
 *
 * @example createSerializer({ type: 'csv', delimiter: ';' }, [{ name: 'email' }]).row(['a@b.c'], 0) // 'a@b.c\r\n'
 */
export function createSerializer(
  format: FormatOptions,
  columns: readonly ExportColumn[],
  { formatPath = '/format', columnsPath = '/columns' }: SerializerPaths = {},
): Serializer {
  const checked = validateFormatOptions(format, formatPath);
  if (columns.length === 0) throw new ValidationError('An export needs at least one column', columnsPath);
  const factory = FACTORIES[checked.type] as Factory<FormatType>;
  return factory(checked, columns, columnsPath);
}

/**
 * The file extension a format writes, without the dot (`csv`, `xml`, `json`, `ndjson`, `txt`);
 * throws ValidationError at the path of a bad option.
 *
 * @example formatExtension({ type: 'json', layout: 'ndjson' }) // 'ndjson'
 */
export function formatExtension(format: FormatOptions, formatPath = '/format'): string {
  return createSerializer(format, [{ name: 'column', maxSize: 1 }], { formatPath }).extension;
}
