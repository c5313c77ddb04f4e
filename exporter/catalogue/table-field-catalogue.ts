import type { CatalogueField } from './catalogue-field.js';
import { scalar } from './catalogue-field.js';

const envelope = (key: string, label: string, type: CatalogueField['type'], read: CatalogueField['read']): CatalogueField =>
  Object.freeze({ key, group: 'form', label, type, personal: false, sealed: false, sealedEntry: false, readsEntry: true, needs: [], read });

/** Fields of any store table: the row's envelope, then `data.<key>` and `personal.<key>` by name. */
export const TABLE_FIELDS: readonly CatalogueField[] = [
  envelope('row.id', 'Row id', 'text', (r) => r.entry.id),
  envelope('row.created_at', 'Created', 'datetime', (r) => r.entry.createdAt),
  envelope('row.expires_at', 'Expires', 'datetime', (r) => r.entry.expiresAt),
  envelope('row.module', 'Module', 'text', (r) => r.entry.moduleId),
  envelope('row.step', 'Step', 'text', (r) => r.entry.stepId),
  envelope('row.participant_ref', 'Participant id', 'text', (r) => r.entry.participantRef),
];

export const DATA_KEY = /^(data|personal)\.[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/** `data.<key>` or `personal.<key>` of a table row, as text. */
export function tableValueField(key: string): CatalogueField {
  const [where, name] = key.split('.') as ['data' | 'personal', string];
  return Object.freeze({
    key,
    group: 'form' as const,
    label: name,
    type: 'text' as const,
    personal: where === 'personal',
    sealed: where === 'personal',
    sealedEntry: where === 'personal',
    readsEntry: true,
    needs: [],
    read: (r: Parameters<CatalogueField['read']>[0]) => scalar(where === 'data' ? r.entry.data[name] : r.entry.personal?.[name]),
  });
}
