export type { ExportColumn } from './export-column.js';
export type {
  CsvFormatOptions,
  Delimiter,
  FormatOptions,
  FormatType,
  JsonFormatOptions,
  LineEnding,
  TxtFormatOptions,
  XmlFormatOptions,
} from './format-options.js';
export { formatOptionsSchema } from './format-options-schema.js';
export { validateFormatOptions } from './format-options-validator.js';
export type { Serializer } from './serializer.js';
export { createSerializer, formatExtension, type SerializerPaths } from './serializer-factory.js';
export { createSerializerStream, SerializerStream } from './serializer-stream.js';
