import type { Condition } from '../conditions/index.js';
import type { FilterId } from '../filters/index.js';
import type { FormatOptions } from '../serializers/index.js';
import { EXPORT_SCOPES, type ExportScope } from '../../storage/export-source-sql.js';
import type { StoreTable } from '../../core/store-tables.js';
import type { Trigger } from '../triggers/trigger.js';

/** One column of an export: a catalogue field (or a constant), its filter and parameters. */
export interface ExportFieldSpec {
  /** A catalogue key such as `form.email`, `device.country`, `external.crm.status`, or `custom`. */
  readonly field: string;
  /** The constant of a `custom` column. */
  readonly value?: string;
  /** Column name; defaults to the field key. */
  readonly column?: string;
  readonly filter?: FilterId;
  readonly defaultValue?: string;
  readonly maxSize?: number;
  readonly minSize?: number;
  readonly padChar?: ' ' | '0';
  readonly padSide?: 'left' | 'right';
}

/** Where rows come from: a flow's entries, or any store table (optionally of one flow). */
export type ExportSource = { readonly flow: string } | { readonly table: StoreTable; readonly flow?: string };

/** A custom export as owners define it (delivery, encryption and trigger are added by delivery). */
export interface ExportDefinition {
  readonly name: string;
  readonly source: ExportSource;
  readonly scope?: ExportScope;
  readonly fields: readonly ExportFieldSpec[];
  readonly conditions?: readonly Condition[];
  readonly format: FormatOptions;
  readonly fileNamePattern: string;
  /** Locale of locale-aware filters (civility, country names). */
  readonly locale?: 'fr' | 'en';
  readonly destination?: Readonly<Record<string, unknown>>;
  readonly encryption?: { readonly publicKey: string };
  /** When it runs by itself (checked against the trigger schema when saved). */
  readonly trigger?: Trigger;
  readonly manifest?: boolean;
}

const FIELD_KEY = '^(custom|[a-z]+\\.[A-Za-z0-9_.-]{1,100})$';

/** The envelope schema (ajv); the finer checks against the catalogue live in validate-export-definition.ts. */
export const exportDefinitionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'source', 'fields', 'format', 'fileNamePattern'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    source: {
      type: 'object',
      additionalProperties: false,
      properties: {
        flow: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
        table: { type: 'string' },
      },
    },
    scope: { type: 'string', enum: [...EXPORT_SCOPES] },
    fields: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field'],
        properties: {
          field: { type: 'string', pattern: FIELD_KEY },
          value: { type: 'string', maxLength: 10_000 },
          column: { type: 'string' },
          filter: { type: 'string', maxLength: 64 },
          defaultValue: { type: 'string' },
          maxSize: { type: 'integer' },
          minSize: { type: 'integer' },
          padChar: { type: 'string' },
          padSide: { type: 'string' },
        },
      },
    },
    conditions: { type: 'array', maxItems: 100, items: { type: 'object' } },
    format: { type: 'object' },
    fileNamePattern: { type: 'string' },
    locale: { type: 'string', enum: ['fr', 'en'] },
    destination: { type: 'object' },
    encryption: { type: 'object', additionalProperties: false, required: ['publicKey'], properties: { publicKey: { type: 'string', maxLength: 100_000 } } },
    trigger: { type: 'object' },
    manifest: { type: 'boolean' },
  },
} as const;
