import type { CatalogueFieldInfo, ExportCondition, ExportDefinitionDocument, ExportLocale, ExportScope, ExportSummary, ExportTrigger, FieldCatalogue, FieldType } from '../export-api-types.js';

/** One column in the design zone, as the builder edits it. */
export interface DraftField {
  /** Tells two columns of the same field apart (reordering, focus). */
  readonly uid: number;
  readonly key: string;
  /** The catalogue section it comes from (`form`, `device`, …, `custom`). */
  readonly group: string;
  readonly label: string;
  readonly type: FieldType;
  /** The values it takes, when the catalogue knows them (see `CatalogueFieldInfo.values`). */
  readonly values?: CatalogueFieldInfo['values'];
  column: string;
  /** A custom column's constant. */
  value: string;
  defaultValue: string;
  minSize: number | undefined;
  padChar: ' ' | '0';
  padSide: 'left' | 'right';
  maxSize: number | undefined;
  filter: string;
}

/** One condition as edited: `value` is the text typed (a list has one value per line). */
export interface DraftCondition {
  field: string;
  operator: string;
  value: string;
}

/** Everything the seven steps edit; saved as one export definition. */
export interface ExportDraft {
  name: string;
  /** The store table it reads; '' for a flow's entries. */
  table: string;
  /** The flow whose entries it reads; with a table, the flow its rows are limited to ('' for every flow). */
  flow: string;
  participantsOnly: boolean;
  winnersOnly: boolean;
  fields: DraftField[];
  conditions: DraftCondition[];
  format: Record<string, unknown> & { type: string };
  fileNamePattern: string;
  /** The destination as typed (credentials only when typed again); undefined: none yet. */
  destination: Record<string, unknown> | undefined;
  /** Credentials the saved export has (shown as set, never sent back), and the destination kind they are for. */
  secretsSet: Set<string>;
  savedKind: string | undefined;
  publicKey: string;
  trigger: ExportTrigger | undefined;
  /** Undefined: left out, so French. */
  locale: ExportLocale | undefined;
  manifest: boolean;
}

export const DEFAULT_FILE_NAME_PATTERN = '{export}_{date:YYYYMMDD}_{run}';

let nextUid = 0;

/** Where a key of the catalogue belongs when the catalogue does not list it (open-ended keys). */
function groupOfKey(key: string): string {
  if (key === 'custom') return 'custom';
  const prefix = key.slice(0, key.indexOf('.'));
  return prefix === 'variable' || prefix === 'external' ? prefix : 'form';
}

/** A new design-zone column for a catalogue field (its column name defaults to the field key; a custom column's to `custom`). */
export function newDraftField(info: CatalogueFieldInfo, group: string, value = ''): DraftField {
  nextUid += 1;
  const custom = info.key === 'custom';
  return { uid: nextUid, key: info.key, group, label: custom ? `Constant “${value}”` : info.label, type: info.type, ...(info.values && { values: info.values }), column: info.key, value, defaultValue: '', minSize: undefined, padChar: ' ', padSide: 'left', maxSize: undefined, filter: '' };
}

/** The catalogue entry of a key, with its section; keys it does not list (external, variable) read as text. */
export function findField(catalogue: FieldCatalogue | undefined, key: string): { info: CatalogueFieldInfo; group: string } {
  for (const group of catalogue?.groups ?? []) {
    const info = group.fields.find((field) => field.key === key);
    if (info) return { info, group: group.group };
  }
  return { info: { key, label: key.slice(key.indexOf('.') + 1), type: 'text', personal: false }, group: groupOfKey(key) };
}

/** A fresh draft: a flow's entries, CSV, the default file-name pattern, no destination, no trigger. */
export function emptyDraft(): ExportDraft {
  return { name: '', table: '', flow: '', participantsOnly: false, winnersOnly: false, fields: [], conditions: [], format: { type: 'csv' }, fileNamePattern: DEFAULT_FILE_NAME_PATTERN, destination: undefined, secretsSet: new Set(), savedKind: undefined, publicKey: '', trigger: undefined, locale: undefined, manifest: false };
}

/** The scope the two Start checkboxes mean. */
export function scopeOf(participantsOnly: boolean, winnersOnly: boolean): ExportScope {
  if (participantsOnly) return winnersOnly ? 'winning_participants' : 'participants';
  return winnersOnly ? 'winners' : 'entries';
}

/** Splits a saved destination into what is typed again and the credentials it has (`passwordSet: true`). */
function splitDestination(destination: Readonly<Record<string, unknown>> | undefined): { destination: Record<string, unknown> | undefined; secretsSet: Set<string>; savedKind: string | undefined } {
  if (!destination) return { destination: undefined, secretsSet: new Set(), savedKind: undefined };
  const visible: Record<string, unknown> = {};
  const secretsSet = new Set<string>();
  for (const [key, value] of Object.entries(destination)) {
    if (key.endsWith('Set') && value === true) secretsSet.add(key.slice(0, -'Set'.length));
    else visible[key] = value;
  }
  return { destination: visible, secretsSet, savedKind: typeof visible.kind === 'string' ? visible.kind : undefined };
}

/** The draft of a saved export, its fields resolved against the flow's catalogue. */
export function draftOf(saved: ExportSummary, catalogue: FieldCatalogue | undefined): ExportDraft {
  const d = saved.definition;
  const scope = d.scope ?? 'entries';
  const fields = d.fields.map((spec) => {
    const { info, group } = findField(catalogue, spec.field);
    return {
      ...newDraftField(info, group, spec.value ?? ''),
      column: spec.column ?? spec.field,
      defaultValue: spec.defaultValue ?? '',
      minSize: spec.minSize,
      padChar: spec.padChar ?? ' ',
      padSide: spec.padSide ?? 'left',
      maxSize: spec.maxSize,
      filter: spec.filter ?? '',
    };
  });
  const conditions = (d.conditions ?? []).map((c) => ({ field: c.field, operator: c.operator, value: Array.isArray(c.value) ? c.value.join('\n') : c.value === undefined ? '' : String(c.value) }));
  return {
    name: d.name,
    table: d.source.table ?? '',
    flow: d.source.flow ?? '',
    participantsOnly: scope === 'participants' || scope === 'winning_participants',
    winnersOnly: scope === 'winners' || scope === 'winning_participants',
    fields,
    conditions,
    format: { ...d.format },
    fileNamePattern: d.fileNamePattern,
    ...splitDestination(d.destination),
    publicKey: d.encryption?.publicKey ?? '',
    trigger: d.trigger,
    locale: d.locale,
    manifest: d.manifest ?? false,
  };
}

/** One column as the definition holds it: only what differs from the defaults. */
function fieldSpec(field: DraftField) {
  const custom = field.key === 'custom';
  return {
    field: field.key,
    ...(custom && { value: field.value }),
    ...(field.column !== field.key && { column: field.column }),
    ...(!custom && field.filter !== '' && { filter: field.filter }),
    ...(field.defaultValue !== '' && { defaultValue: field.defaultValue }),
    ...(field.minSize !== undefined && { minSize: field.minSize, padChar: field.padChar, padSide: field.padSide }),
    ...(field.maxSize !== undefined && { maxSize: field.maxSize }),
  };
}

/** A condition's value as the API takes it: none, one string, or a list (one value per line). */
function conditionValue(condition: DraftCondition, shape: 'none' | 'single' | 'list' | undefined): ExportCondition['value'] {
  if (shape === 'none') return undefined;
  if (shape === 'list') return condition.value.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return condition.value.trim();
}

/** Whether the draft names what it reads: a table, or a flow's entries. */
export function hasSource(draft: ExportDraft): boolean {
  return draft.table !== '' || draft.flow !== '';
}

/** What the draft reads, as the API names it. */
export function sourceOf(draft: ExportDraft): ExportDefinitionDocument['source'] {
  if (draft.table === '') return { flow: draft.flow };
  return draft.flow === '' ? { table: draft.table } : { table: draft.table, flow: draft.flow };
}

/** What the file holds (no delivery): enough for a dry run at any step. */
export function contentOf(draft: ExportDraft, operatorShape: (operator: string) => 'none' | 'single' | 'list' | undefined): ExportDefinitionDocument {
  return {
    name: draft.name.trim() || 'Untitled export',
    source: sourceOf(draft),
    ...(draft.table === '' && { scope: scopeOf(draft.participantsOnly, draft.winnersOnly) }),
    fields: draft.fields.map(fieldSpec),
    ...(draft.conditions.length > 0 && {
      conditions: draft.conditions.map((c) => {
        const value = conditionValue(c, operatorShape(c.operator));
        return { field: c.field, operator: c.operator, ...(value !== undefined && { value }) };
      }),
    }),
    format: draft.format,
    fileNamePattern: draft.fileNamePattern,
    ...(draft.locale && { locale: draft.locale }),
  };
}

/** The whole definition `POST`/`PUT /exports` takes; credentials left empty keep their stored values. */
export function definitionOf(draft: ExportDraft, operatorShape: (operator: string) => 'none' | 'single' | 'list' | undefined): ExportDefinitionDocument {
  return {
    ...contentOf(draft, operatorShape),
    name: draft.name.trim(),
    ...(draft.destination && { destination: draft.destination }),
    ...(draft.publicKey.trim() !== '' && { encryption: { publicKey: draft.publicKey.trim() } }),
    ...(draft.trigger && { trigger: draft.trigger }),
    ...(draft.manifest && { manifest: true }),
  };
}
