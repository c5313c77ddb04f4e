import { describe, expect, it } from 'vitest';
import { flowFieldCatalogue, externalField } from '../../../exporter/catalogue/flow-field-catalogue.js';
import { hostVariableField } from '../../../exporter/catalogue/host-variable-fields.js';
import { TABLE_FIELDS, tableValueField } from '../../../exporter/catalogue/table-field-catalogue.js';
import type { CatalogueField } from '../../../exporter/catalogue/catalogue-field.js';
import { ModuleRegistry } from '../../../core/module-registry.js';
import { MODULES } from '../../../modules/index.js';
import { STORE_TABLES, type StoreTable } from '../../../core/store-tables.js';
import type { ExportRecord } from '../../../storage/export-source.js';
import { ENTRY_TABLES } from '../../../storage/export-source-sql.js';
import type { DecodedRow } from '../../../storage/store-reader.js';

/** A flow with a step of every module that collects fields. */
const EVERY_MODULE = {
  name: 'Every module',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Email?' } },
    { id: 'colour', module: 'text-question', config: { question: 'Colour?', variable: 'colour' } },
    { id: 'optin', module: 'consent', config: { label: 'News', doubleOptIn: true } },
    { id: 'draw', module: 'giveaway', config: { frequency: 'unlimited' } },
    { id: 'win', module: 'instant-win', config: {} },
    { id: 'code', module: 'codes', config: { mode: 'distribute' } },
  ],
} as const;

/** A row that holds no value (so readers look everywhere) and calls `onSealedRead` when its sealed values are read. */
function emptyRow(table: StoreTable, onSealedRead: () => void): ExportRecord['entry'] {
  return {
    table,
    id: 'row',
    flowId: 'flow',
    sessionId: 'session',
    participantRef: 'p1',
    subjectKey: null,
    moduleId: 'module',
    stepId: 'step',
    createdAt: new Date(0),
    expiresAt: new Date(0),
    data: {},
    projected: () => null,
    get personal() {
      onSealedRead();
      return {};
    },
  } as DecodedRow & { projected(k: number): string | null };
}

/** Whether reading the field (of an entry of `entryTable`) opens sealed values, the entry's, and of which related tables. */
function sealedReads(field: CatalogueField, entryTable: StoreTable): { sealed: boolean; entry: boolean; relatedTables: StoreTable[] } {
  let sealed = false;
  let entrySealed = false;
  const relatedTables = new Set<StoreTable>();
  const related: Partial<Record<StoreTable, readonly DecodedRow[]>> = {};
  for (const table of STORE_TABLES) {
    related[table] = [
      emptyRow(table, () => {
        sealed = true;
        relatedTables.add(table);
      }),
    ];
  }
  const entry = emptyRow(entryTable, () => {
    sealed = true;
    entrySealed = true;
  });
  field.read({ entry, related }, { flow: { hashId: 'h', name: 'n' } });
  return { sealed, entry: entrySealed, relatedTables: [...relatedTables] };
}

/** A related row as the export sends it (`relatedRowColumns`): reading a column it does not send throws. */
function relatedRow(table: StoreTable): DecodedRow {
  const notSent = (column: string) => () => {
    throw new Error(`read ${column} of a related ${table} row`);
  };
  const row = { table, id: 'related', data: {}, personal: {} };
  for (const column of ['flowId', 'sessionId', 'participantRef', 'subjectKey', 'moduleId', 'stepId', 'createdAt', 'expiresAt']) {
    Object.defineProperty(row, column, { get: notSent(column) });
  }
  return row as unknown as DecodedRow;
}

describe('the field catalogue says which fields read sealed values', () => {
  const flowFields = flowFieldCatalogue(EVERY_MODULE as never, new ModuleRegistry(MODULES));
  const tableFields = [...TABLE_FIELDS, tableValueField('data.a'), tableValueField('personal.a')];
  const fields = [...flowFields, externalField('external.crm.id'), hostVariableField('variable.utm_source'), ...tableFields];

  it('marks every field whose reading decrypts, and no other (an export of unmarked fields is sent no sealed bytes)', () => {
    expect(flowFields.length).toBeGreaterThan(25);
    for (const field of fields) {
      for (const table of ['participations', 'instant_win_claims', 'variables'] as const) {
        const reads = sealedReads(field, table);
        expect({ key: field.key, table, sealed: reads.sealed }).toEqual({ key: field.key, table, sealed: field.sealed });
        // The source sends sealed values of the related tables that sealed fields need, no others.
        for (const related of reads.relatedTables) expect({ key: field.key, related, needed: field.sealed && field.needs.includes(related) }).toEqual({ key: field.key, related, needed: true });
      }
    }
    expect(fields.filter((field) => field.sealed).map((field) => field.key)).toEqual(
      expect.arrayContaining(['form.email', 'form.colour', 'form.giveaway_email', 'device.ip', 'personal.a']),
    );
  });

  it("marks every field that may read the entry's own sealed values (else its entries are sent none), whatever table the entry is from", () => {
    // A flow's entries are participations or instant-win claims; a table export's entries are its rows.
    const entryTables = (field: CatalogueField): readonly StoreTable[] => (tableFields.includes(field) ? STORE_TABLES : ENTRY_TABLES);
    for (const field of fields) {
      const reads = entryTables(field).some((table) => sealedReads(field, table).entry);
      expect({ key: field.key, sealedEntry: reads }).toEqual({ key: field.key, sealedEntry: field.sealedEntry });
    }
    const flowKeys = (predicate: (field: CatalogueField) => boolean) => flowFields.filter(predicate).map((field) => field.key);
    // The email and answers come from the variables (their entry is never one); whether the entry was anonymized reads its data alone.
    expect(flowKeys((field) => field.sealed && !field.sealedEntry)).toEqual(expect.arrayContaining(['form.email', 'form.colour']));
    expect(flowKeys((field) => field.sealedEntry)).toEqual(expect.arrayContaining(['device.ip', 'form.giveaway_email']));
    expect(flowKeys((field) => field.sealed)).not.toContain('form.is_anonymous');
  });

  it("marks every field that reads the entry's row beyond its keys (an export whose other fields are projected is sent its entries' keys only)", () => {
    // An entry as `KeyedEntryView` has it: its table, id, session and subject; reading anything else throws.
    const keyed = (table: StoreTable): ExportRecord['entry'] => {
      const entry = { table, id: 'row', sessionId: 'session', subjectKey: null, projected: () => null };
      for (const column of ['flowId', 'participantRef', 'moduleId', 'stepId', 'createdAt', 'expiresAt', 'data', 'personal']) {
        Object.defineProperty(entry, column, { get: () => { throw new Error(`read ${column} of a keyed entry`); } });
      }
      return entry as unknown as ExportRecord['entry'];
    };
    const related: Partial<Record<StoreTable, readonly DecodedRow[]>> = {};
    for (const table of STORE_TABLES) related[table] = [emptyRow(table, () => {})];
    for (const field of fields.filter((candidate) => !candidate.readsEntry)) {
      for (const table of ENTRY_TABLES) expect(() => field.read({ entry: keyed(table), related }, { flow: { hashId: 'h', name: 'n' } }), field.key).not.toThrow();
    }
    // Every field that reads related rows only, as the related export's do; and none that reads the entry.
    const keys = fields.filter((field) => !field.readsEntry).map((field) => field.key);
    expect(keys).toEqual(expect.arrayContaining(['form.email', 'form.colour', 'form.is_optin', 'gift.title', 'gift.code', 'variable.utm_source', 'operation.name']));
    expect(keys).not.toEqual(expect.arrayContaining(['form.is_anonymous']));
    expect(keys.some((key) => key.startsWith('device.') || key.startsWith('external.') || key.startsWith('row.') || key === 'form.giveaway_email')).toBe(false);
  });

  it('reads only the id, data and personal values of related rows (the columns their statement sends)', () => {
    const related: Partial<Record<StoreTable, readonly DecodedRow[]>> = {};
    for (const table of STORE_TABLES) related[table] = [relatedRow(table), relatedRow(table)];
    for (const field of fields) {
      const record: ExportRecord = { entry: emptyRow('participations', () => {}), related };
      expect(() => field.read(record, { flow: { hashId: 'h', name: 'n' } }), field.key).not.toThrow();
    }
  });
});

describe('the field catalogue says which rows of `variables` a field reads', () => {
  const flowFields = flowFieldCatalogue(EVERY_MODULE as never, new ModuleRegistry(MODULES));
  const readers = [...flowFields, hostVariableField('variable.utm_source')].filter((field) => field.needs.includes('variables'));

  /** A `variables` row as a module (`data.variable`) or the engine (`data.host`) writes it. */
  const row = (data: Record<string, unknown>, personal: Record<string, unknown>): DecodedRow => ({ ...emptyRow('variables', () => {}), data, personal }) as unknown as DecodedRow;
  /** Host-page values under any name. */
  const anyName = (value: string): Record<string, unknown> => new Proxy({}, { get: (_target, key) => (typeof key === 'string' ? value : undefined), has: () => true });
  /** The variables modules of the flow capture, and one more. */
  const CAPTURED = ['email', 'colour', 'shoe_size'];

  it('reads over the rows it names what it reads over every row (the export is sent those alone)', () => {
    expect(readers.map((field) => field.key)).toEqual(expect.arrayContaining(['form.email', 'form.colour', 'variable.utm_source']));
    for (const field of readers) {
      const rows = field.variableRows;
      expect({ key: field.key, says: rows !== undefined }).toEqual({ key: field.key, says: true });
      const named = [...rows!.names.map((name) => row({ variable: name }, { [name]: `${name} value` })), ...(rows!.host ? [row({ host: { utm_source: 'newsletter' } }, {})] : [])];
      // The rows it does not name, the latest (readers look at those first): each module's holds its own variable.
      const others = [
        ...CAPTURED.filter((name) => !rows!.names.includes(name)).map((name) => row({ variable: name }, { [name]: 'another value' })),
        ...(rows!.host ? [] : [row({ host: anyName('another value') }, {})]),
      ];
      const read = (variables: DecodedRow[]) => field.read({ entry: { ...emptyRow('participations', () => {}), personal: {} } as never, related: { variables } }, { flow: { hashId: 'h', name: 'n' } });
      expect({ key: field.key, value: read([...named, ...others]) }).toEqual({ key: field.key, value: read(named) });
    }
  });
});
