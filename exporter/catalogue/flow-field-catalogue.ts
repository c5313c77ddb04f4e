import type { CatalogueField, FieldValue } from './catalogue-field.js';
import { jsonScalar, scalar, type EntryProjection } from './catalogue-field.js';
import { ENTRY_TABLES } from '../../storage/export-source-sql.js';
import { device, latestWin, readStored } from './record-readers.js';
import { KNOWN_VARIABLE_FIELDS } from './host-variable-fields.js';
import type { FlowDefinition } from '../../core/flow-definition.js';
import type { ModuleRegistry } from '../../core/module-registry.js';
import type { StoreTable } from '../../core/store-tables.js';
import { OPT_IN_LEVEL_NAMES } from '../../core/opt-in-levels.js';
import { ANONYMIZED_AT } from '../../storage/subject-anonymization.js';

type Field = CatalogueField;

/** Whether a field that reads `needs` reads its entry's row: when it reads no related table, or an entry table. */
const readsEntryRow = (needs: readonly StoreTable[]): boolean => needs.length === 0 || needs.some((table) => ENTRY_TABLES.includes(table));

/**
 * A field of a flow's exports. Unless told, its sealed reads are of the entry when it reads no
 * related table, or when it reads an entry table (a module field there finds its value in the
 * entry first: `readStored`); of related rows only otherwise. It reads the entry's row in the same
 * cases, and whenever it reads the entry's sealed values.
 */
const field = (
  key: string,
  group: Field['group'],
  label: string,
  type: Field['type'],
  read: Field['read'],
  personal = false,
  needs: readonly StoreTable[] = [],
  sealed = personal,
  sealedEntry = sealed && readsEntryRow(needs),
): Field => Object.freeze({ key, group, label, type, personal, sealed, sealedEntry, readsEntry: sealedEntry || readsEntryRow(needs), read, needs });

/** `field` with the same value computed by PostgreSQL from the entry row (see `EntryProjection`). */
const projected = (base: Field, sql: string, decode: EntryProjection['decode'] = jsonScalar): Field => Object.freeze({ ...base, projection: Object.freeze({ sql, decode }) });
const deviceField = (key: string, label: string, type: Field['type'], name: string): Field =>
  projected(field(key, 'device', label, type, (r) => scalar(device(r)[name])), `data->'device'->'${name}'`);

/** A field of the flow itself, the same for every entry: it reads nothing of the entry's row. */
const ofTheFlow = (base: Field): Field => Object.freeze({ ...base, readsEntry: false });

/**
 * `field` that reads, of the `variables` table, the rows of the variable `name` only: a module
 * that seals a value under `name` in a `variables` row says so in that row (`data.variable`).
 */
const ofVariable = (base: Field, name: string): Field => Object.freeze({ ...base, variableRows: Object.freeze({ names: Object.freeze([name]), host: false }) });

/** `base` with the values it takes (value → what an owner reads), offered to conditions; `base` itself without any. */
function withValues(base: Field, values: Readonly<Record<string, string>> | undefined): Field {
  if (!values) return base;
  const list: FieldValue[] = Object.entries(values).map(([value, label]) => Object.freeze({ value, label }));
  return Object.freeze({ ...base, values: Object.freeze(list) });
}

/** The values of a field shown by `labels` (a choice's button label): the labels themselves, each once. */
const labelValues = (labels: Readonly<Record<string, string>>): Record<string, string> => Object.fromEntries(Object.values(labels).map((label) => [label, label]));

/**
 * The entry date as milliseconds since the epoch, as the row's `createdAt` has it (the
 * microseconds cut off: `extract` is exact, a numeric, on PostgreSQL 14 and later). Its text is
 * a `Number` to read, not a timestamp to parse: `parseTimestamptz` was the costliest step of a
 * projected row in the CPU profile of a 1,000,000-entry export of 7 fields (4.7 % of the samples).
 */
const ENTRY_DATE_MILLIS = 'floor(extract(epoch from created_at) * 1000)::int8';

/** Fields every flow offers, whatever its modules. */
const COMMON_FIELDS: readonly Field[] = [
  withValues(
    field('form.is_optin', 'form', 'Opt-in (0 declined, 1 opt-in, 2 double opt-in confirmed)', 'number', (r) => scalar(readStored(r, 'consents', 'is_optin', false)), false, ['consents']),
    OPT_IN_LEVEL_NAMES,
  ),
  projected(field('form.contest_entry_hash_id', 'form', 'Unique participant id', 'text', (r) => r.entry.participantRef), 'participant_ref', (text) => text),
  // The person asked to be anonymized (storage/subject-anonymization.ts): the entry stays, with nothing that identifies them.
  projected(field('form.is_anonymous', 'form', 'Anonymized', 'boolean', (r) => r.entry.data[ANONYMIZED_AT] !== undefined), `data->'${ANONYMIZED_AT}'`, (text) => text !== null),
  projected(field('form.created_at', 'form', 'Entry date', 'datetime', (r) => r.entry.createdAt), ENTRY_DATE_MILLIS, (text) => new Date(Number(text))),
  projected(field('form.can_participate', 'form', 'Entry accepted', 'boolean', (r) => r.entry.data.limitReached !== true), `data->'limitReached'`, (text) => text !== 'true'),
  deviceField('device.mobile', 'Mobile', 'boolean', 'mobile'),
  deviceField('device.origin_url', 'Origin URL', 'text', 'originUrl'),
  field('device.ip', 'device', 'IP address', 'text', (r) => scalar(r.entry.personal?.ip), true),
  deviceField('device.browser', 'Browser', 'text', 'browser'),
  deviceField('device.platform', 'Platform', 'text', 'platform'),
  deviceField('device.country', 'Country', 'text', 'country'),
  deviceField('device.width', 'Screen width', 'number', 'screenWidth'),
  deviceField('device.height', 'Screen height', 'number', 'screenHeight'),
  projected(field('operation.chrono', 'operation', 'Seconds spent', 'number', (r) => scalar(r.entry.data.chrono)), `data->'chrono'`),
  ofTheFlow(field('operation.hash_id', 'operation', 'Operation hash id', 'text', (_r, ctx) => ctx.flow?.hashId ?? null)),
  ofTheFlow(field('operation.name', 'operation', 'Operation name', 'text', (_r, ctx) => ctx.flow?.name ?? null)),
  field('operation.access_code', 'access_code', 'Access code', 'text', (r) => scalar((r.related.codes ?? []).find((c) => c.data.mode === 'check' && c.data.code)?.data.code), false, ['codes']),
  field('gift.hash_id', 'gift', 'Gift id', 'text', (r) => scalar(latestWin(r)?.data.prizeId) ?? latestWin(r)?.id ?? null, false, ['winners']),
  field('gift.title', 'gift', 'Gift title', 'text', (r) => scalar(latestWin(r)?.data.prizeTitle), false, ['winners']),
  field('gift.description', 'gift', 'Gift description', 'text', (r) => scalar(latestWin(r)?.data.prizeDescription), false, ['winners']),
  field('gift.code', 'gift', 'Gift code', 'text', (r) => scalar((r.related.codes ?? []).find((c) => c.data.mode === 'distribute')?.data.code), false, ['codes']),
];

/** `external.<namespace>.<key>`: a value a partner system attached to the entry through the API. */
export const EXTERNAL_KEY = /^external\.[a-z][a-z0-9_-]{0,31}\.[a-z][a-z0-9_-]{0,63}$/;

export function externalField(key: string): Field {
  const name = key.slice('external.'.length);
  return field(key, 'external', name, 'text', (r) => {
    const external = r.entry.data.external;
    return typeof external === 'object' && external !== null ? scalar((external as Record<string, unknown>)[name]) : null;
  });
}

/**
 * What a flow offers to custom exports, grouped: the values its modules collect (form), the
 * visitor's device, the operation, the access code, the gift, fields partners attached (external),
 * values the host page passed in (variable), and constants (custom, chosen per export).
 */
export function flowFieldCatalogue(definition: FlowDefinition, registry: ModuleRegistry): Field[] {
  const fields = new Map<string, Field>();
  for (const step of definition.steps) {
    const module = registry.get(step.module)?.definition;
    for (const collected of module?.fields?.(step.config, step.id) ?? []) {
      const key = `form.${collected.key}`;
      if (fields.has(key)) continue;
      const { table, key: sourceKey, personal, step: writtenBy, variable: rowsNamed } = collected.source;
      const moduleField = field(key, 'form', collected.label, collected.type, (r) => {
        const value = readStored(r, table, sourceKey, personal, writtenBy);
        if (collected.type === 'datetime' && typeof value === 'string') return new Date(value);
        return typeof value === 'string' && collected.labels ? (collected.labels[value] ?? value) : scalar(value);
      }, personal, [table]);
      // A value a module keeps in `variables` is in the rows of its variable (see `ofVariable`): the one the source names, else a sealed value's own.
      const values = collected.values ?? (collected.labels && labelValues(collected.labels));
      const variable = table !== 'variables' ? undefined : (rowsNamed ?? (personal ? sourceKey : undefined));
      fields.set(key, withValues(variable === undefined ? moduleField : ofVariable(moduleField, variable), values));
    }
  }
  for (const common of [...COMMON_FIELDS, ...KNOWN_VARIABLE_FIELDS]) if (!fields.has(common.key)) fields.set(common.key, common);
  return [...fields.values()];
}

/** True when a step of the flow records winners (a draw or an instant win), so "winners only" means something. */
export function flowHasWinners(definition: FlowDefinition, registry: ModuleRegistry): boolean {
  return definition.steps.some((step) => registry.get(step.module)?.definition.tables.winners !== undefined);
}

/**
 * True when a step of the flow writes entries (a raffle's participations, instant-win plays);
 * else its exports read one entry per session (see `SESSION_ENTRY_TABLES`). Decided by the flow's
 * current steps, not its rows: a flow's first participation does not change what its exports read.
 */
export function flowWritesEntries(definition: FlowDefinition, registry: ModuleRegistry): boolean {
  return definition.steps.some((step) => ENTRY_TABLES.some((table) => registry.get(step.module)?.definition.tables[table] !== undefined));
}
