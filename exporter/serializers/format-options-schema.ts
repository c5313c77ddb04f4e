import { DELIMITERS, LINE_ENDINGS } from './format-options.js';

const delimiter = { type: 'string', enum: [...DELIMITERS], description: 'Cell delimiter.' } as const;
const lineEnding = { type: 'string', enum: [...LINE_ENDINGS], description: 'Line ending.' } as const;

/** An XML element name Parley accepts for the root and row elements (ASCII, not `xml…`). */
export const XML_ELEMENT_NAME_PATTERN = '^(?![Xx][Mm][Ll])[A-Za-z_][A-Za-z0-9._-]{0,63}$';
const elementName = { type: 'string', pattern: XML_ELEMENT_NAME_PATTERN } as const;

/** The branch of the schema that applies when `type` equals `value`. */
function whenType(value: string, then: object): object {
  return {
    if: { type: 'object', required: ['type'], properties: { type: { const: value } } },
    then,
  };
}

const formulaGuard = {
  type: 'boolean',
  description: "Prefix cells starting with = + - @ tab or CR with ' so spreadsheets do not run them (default true).",
} as const;

const csvSchema = {
  type: 'object',
  properties: {
    type: { const: 'csv' },
    delimiter,
    quote: { type: 'string', enum: ['"', "'"], description: 'Quote character.' },
    header: { type: 'boolean', description: 'Header line with the column names (default true).' },
    lineEnding,
    bom: { type: 'boolean', description: 'Start with a UTF-8 byte order mark (default false).' },
    formulaGuard,
  },
  additionalProperties: false,
} as const;

const xmlSchema = {
  type: 'object',
  properties: {
    type: { const: 'xml' },
    rootElement: { ...elementName, description: 'Root element name (default rows).' },
    rowElement: { ...elementName, description: 'Row element name (default row).' },
  },
  additionalProperties: false,
} as const;

const jsonSchema = {
  type: 'object',
  properties: {
    type: { const: 'json' },
    layout: { type: 'string', enum: ['array', 'ndjson'], description: 'One array or one object per line.' },
  },
  additionalProperties: false,
} as const;

const txtSchema = {
  type: 'object',
  required: ['layout'],
  properties: {
    type: { const: 'txt' },
    layout: { type: 'string', enum: ['fixed', 'delimited'], description: 'Fixed widths or a delimiter.' },
    delimiter,
    header: { type: 'boolean', description: 'Header line (default false for fixed, true for delimited).' },
    lineEnding,
    formulaGuard,
  },
  additionalProperties: false,
  allOf: [
    {
      if: { type: 'object', required: ['layout'], properties: { layout: { const: 'fixed' } } },
      then: { type: 'object', properties: { delimiter: false } },
    },
  ],
} as const;

/**
 * JSON Schema (draft-07 / 2020-12 compatible, ajv strict) of FormatOptions. Each format is an
 * `if`/`then` branch on `type`, so a validator reports the path of the bad option itself
 * rather than one failure per format.
 */
export const formatOptionsSchema = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['csv', 'xml', 'json', 'txt'], description: 'File format.' },
  },
  allOf: [
    whenType('csv', csvSchema),
    whenType('xml', xmlSchema),
    whenType('json', jsonSchema),
    whenType('txt', txtSchema),
  ],
} as const;
