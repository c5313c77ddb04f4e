import type { CatalogueField, EntryProjection, ReadContext } from '../catalogue/catalogue-field.js';
import { compileConditions, type RowPredicate } from '../conditions/index.js';
import { compileFieldParameters } from '../field-parameters/index.js';
import { compileFilter, rawValueToText, type FilterContext } from '../filters/index.js';
import type { FieldType, RawValue } from '../../core/field-type.js';
import type { ExportDefinition } from '../definition/export-definition.js';
import { resolveField } from '../catalogue/resolve-field.js';
import type { ExportColumn } from '../serializers/index.js';
import type { EntryColumns, ExportRecord } from '../../storage/export-source.js';
import type { StoreTable } from '../../core/store-tables.js';
import type { VariableRows } from '../../storage/export-related-sql.js';

/** Turns one record into the row's cells, or null when a condition rejects it. */
export type RecordMapper = (record: ExportRecord) => string[] | null;

export interface CompiledExport {
  readonly columns: readonly ExportColumn[];
  /** The related tables the selected fields read (the source loads only these). */
  readonly related: readonly StoreTable[];
  /** True when a selected field reads sealed personal values (else the source sends none). */
  readonly sealed: boolean;
  /** True when a selected field may read the entry's own sealed values (else the source sends the entries' none). */
  readonly sealedEntry: boolean;
  /** The related tables whose sealed values a selected field may read (the source sends no others'). */
  readonly sealedRelated: readonly StoreTable[];
  /** The `variables` rows the selected fields read, when each that reads the table says which (else every row is sent). */
  readonly variableRows?: VariableRows;
  /** What the source sends of each entry (see `EntryColumns`). */
  readonly entryColumns: EntryColumns;
  /**
   * Unless `entryColumns` is `full`: the SQL expressions of the fields read from the entry, which
   * the source adds to each entry in this order (their values read instead of the entry's columns).
   */
  readonly projections?: readonly string[];
  readonly map: RecordMapper;
}

/** Reads `projection`'s value from the entry, at its position among `projections` (added when new). */
function projectedReader(projection: EntryProjection, projections: Map<string, number>): (record: ExportRecord) => RawValue {
  const k = projections.get(projection.sql) ?? projections.size;
  projections.set(projection.sql, k);
  return (record) => projection.decode(record.entry.projected(k));
}

/** The `variables` rows these fields read: what each that reads the table says, together; undefined when one does not say. */
function variableRowsOf(fields: ReadonlyArray<CatalogueField | undefined>): VariableRows | undefined {
  const reading = fields.filter((field): field is CatalogueField => field !== undefined && field.needs.includes('variables'));
  if (reading.length === 0 || reading.some((field) => !field.variableRows)) return undefined;
  return { names: [...new Set(reading.flatMap((field) => field.variableRows!.names))], host: reading.some((field) => field.variableRows!.host) };
}

/**
 * What an export of these fields (undefined: a constant) needs of each entry: its projected values
 * only when every field has a projection; its keys too when a field reads related rows and none
 * reads the entry otherwise than through a projection; else its row.
 */
function entryColumnsOf(fields: ReadonlyArray<CatalogueField | undefined>): EntryColumns {
  if (fields.every((field) => !field || field.projection)) return 'projected';
  return fields.some((field) => field && !field.projection && field.readsEntry) ? 'full' : 'keys';
}

/**
 * Compiles a validated definition once per run: readers, filters, field parameters and
 * conditions become closures, so mapping a million records allocates little. It is async only
 * because a filter may load its library (phone numbers, country names) first.
 */
export async function compileExport(definition: ExportDefinition, catalogue: readonly CatalogueField[], context: ReadContext & FilterContext): Promise<CompiledExport> {
  const readers: Array<(record: ExportRecord) => RawValue> = [];
  const formatters: Array<(value: RawValue) => string> = [];
  const types: Record<string, FieldType> = {};
  const related = new Set<StoreTable>();
  let sealed = false;
  let sealedEntry = false;
  const sealedRelated = new Set<StoreTable>();
  const fields = definition.fields.map((spec) => resolveField(catalogue, spec));
  const entryColumns = entryColumnsOf(fields);
  // Projected: each field that reads the entry reads its own column of it, decoded (the export parses no row).
  const projections = entryColumns === 'full' ? undefined : new Map<string, number>();
  for (const [i, spec] of definition.fields.entries()) {
    const field = fields[i];
    for (const table of field?.needs ?? []) related.add(table);
    if (field?.sealed) {
      sealed = true;
      if (field.sealedEntry) sealedEntry = true;
      // A field reads sealed values of its entry or of the related tables it needs: those are sent.
      for (const table of field.needs) sealedRelated.add(table);
    }
    if (field) {
      readers.push(projections && field.projection ? projectedReader(field.projection, projections) : (record) => field.read(record, context));
      types[spec.field] = field.type;
    } else {
      const constant = spec.value ?? '';
      readers.push(() => constant);
    }
    const filter = spec.filter ? await compileFilter(spec.filter, context) : rawValueToText;
    const params = compileFieldParameters({ ...spec, column: spec.column ?? spec.field });
    formatters.push((value) => params(filter(value)));
  }
  const conditions = definition.conditions ?? [];
  const accept: RowPredicate | undefined = conditions.length > 0 ? compileConditions(conditions, types, { timeZone: context.timeZone }) : undefined;
  const keys = definition.fields.map((spec) => spec.field);
  const columns = definition.fields.map((spec) => ({
    name: spec.column ?? spec.field,
    ...(spec.minSize !== undefined && { minSize: spec.minSize }),
    ...(spec.maxSize !== undefined && { maxSize: spec.maxSize }),
    ...(spec.padChar !== undefined && { padChar: spec.padChar }),
    ...(spec.padSide !== undefined && { padSide: spec.padSide }),
  }));
  const count = readers.length;
  const variableRows = variableRowsOf(fields);
  return {
    columns,
    related: [...related],
    sealed,
    sealedEntry,
    sealedRelated: [...sealedRelated],
    ...(variableRows && { variableRows }),
    entryColumns,
    ...(projections && { projections: [...projections.keys()] }),
    map(record) {
      const values: RawValue[] = new Array(count);
      for (let i = 0; i < count; i += 1) values[i] = readers[i]!(record);
      if (accept) {
        const row: Record<string, RawValue> = {};
        for (let i = 0; i < count; i += 1) row[keys[i]!] = values[i];
        if (!accept(row)) return null;
      }
      const cells: string[] = new Array(count);
      for (let i = 0; i < count; i += 1) cells[i] = formatters[i]!(values[i]);
      return cells;
    },
  };
}
