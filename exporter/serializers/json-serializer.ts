import type { ExportColumn } from './export-column.js';
import { normalizeJsonOptions, type JsonFormatOptions } from './format-options.js';
import type { Serializer } from './serializer.js';
import { uniqueNames } from './unique-names.js';

/**
 * JSON objects keyed by column name (duplicate names get `_2`, `_3`, … so no value is lost):
 * `array` writes one pretty-enough array, one object per line; `ndjson` one object per line.
 */
export function createJsonSerializer(format: JsonFormatOptions, columns: readonly ExportColumn[]): Serializer {
  const { layout } = normalizeJsonOptions(format);
  const keys = uniqueNames(columns.map((c) => c.name));
  // `{"a":` for the first key, `,"b":` for the others, computed once.
  const prefixes = keys.map((k, i) => (i === 0 ? '{' : ',') + JSON.stringify(k) + ':');
  const count = keys.length;
  const object = (cells: readonly string[]): string => {
    let text = '';
    for (let i = 0; i < count; i += 1) text += prefixes[i] + JSON.stringify(cells[i]);
    return text + '}';
  };
  if (layout === 'ndjson') {
    return Object.freeze({
      extension: 'ndjson',
      contentType: 'application/x-ndjson; charset=utf-8',
      columnCount: count,
      begin: () => '',
      row: (cells: readonly string[]) => object(cells) + '\n',
      end: () => '',
    });
  }
  return Object.freeze({
    extension: 'json',
    contentType: 'application/json; charset=utf-8',
    columnCount: count,
    begin: () => '[',
    row: (cells: readonly string[], index: number) => (index === 0 ? '\n' : ',\n') + object(cells),
    end: () => '\n]\n',
  });
}
