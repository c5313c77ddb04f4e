import type { CatalogueField } from './catalogue-field.js';
import { scalar } from './catalogue-field.js';
import type { ExportRecord } from '../../storage/export-source.js';

/**
 * `variable.<name>`: a value the host page passed in when the session started (`data-variables`,
 * `setVariables`, allow-listed URL parameters). The engine keeps them in the session's
 * `variables` row under `data.host`; any name is accepted, the usual campaign ones are listed.
 */
export const VARIABLE_KEY = /^variable\.[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Listed in every flow's catalogue: the UTM parameters marketing pages pass most often. */
const KNOWN_VARIABLES = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;

/** Where host-page values are: the session's host row of `variables`, no row of a module's. */
const HOST_ROW = Object.freeze({ names: Object.freeze([]), host: true });

function hostValue(record: ExportRecord, name: string): unknown {
  const rows = record.related.variables ?? [];
  for (let i = rows.length - 1; i >= 0; i -= 1) {
    const host = rows[i]!.data.host;
    if (typeof host === 'object' && host !== null && name in host) return (host as Record<string, unknown>)[name];
  }
  return undefined;
}

/** The field for `variable.<name>` (call only with a key that matches VARIABLE_KEY). */
export function hostVariableField(key: string): CatalogueField {
  const name = key.slice('variable.'.length);
  return Object.freeze({
    key,
    group: 'variable' as const,
    label: `Host page variable ${name}`,
    type: 'text' as const,
    personal: false,
    sealed: false,
    sealedEntry: false,
    readsEntry: false,
    needs: ['variables'] as const,
    variableRows: HOST_ROW,
    read: (record: ExportRecord) => scalar(hostValue(record, name)),
  });
}

export const KNOWN_VARIABLE_FIELDS: readonly CatalogueField[] = KNOWN_VARIABLES.map((name) => hostVariableField(`variable.${name}`));
