import type { AuditEntry } from './api-types.js';
import { tableLabel } from './table-labels.js';

/** Owner-facing names of the audited actions; an action not listed shows as it is recorded. */
export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'api_key.created': 'API key issued',
  'api_key.revoked': 'API key revoked',
  'codes.added': 'Codes added',
  'download.created': 'Download link created',
  'download.redeemed': 'Download link used',
  'draw.created': 'Winners drawn',
  'draw.seed_committed': 'Draw seed committed',
  'export.created': 'Export created',
  'export.deleted': 'Export deleted',
  'export.download_created': 'Export file download link created',
  'export.replaced': 'Export saved',
  'export.run': 'Export run',
  'file.downloaded': 'File downloaded',
  'flow.closed': 'Flow closed',
  'flow.created': 'Flow created',
  'flow.deleted': 'Flow deleted',
  'flow.previewed': 'Flow tried in the preview',
  'flow.replaced': 'Flow saved',
  'flow.version_restored': 'Flow version restored',
  'rows.deleted': 'Row deleted',
  'rows.deleted_all': 'All rows deleted',
  'subject.accessed': 'Data subject looked up',
  'subject.erased': 'Data subject erased',
  'subject.anonymized': 'Data subject anonymized',
  'subject.consents_withdrawn': 'Data subject’s consents withdrawn',
  'webhook.created': 'Webhook created',
  'webhook.deleted': 'Webhook deleted',
  'webhook.secret_rotated': 'Webhook secret rotated',
  'webhook.updated': 'Webhook saved',
  'workspace.audit_retention_changed': 'Audit log retention changed',
  'workspace.gpg_key_created': 'GPG key for incoming files made',
  'workspace.module_storage_changed': "A module's storage switched",
});

/** The label of an action. */
export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}

/** Who acted: the API key's name, or what acted without a key. */
export function auditActor(entry: AuditEntry): string {
  if (entry.keyId === null) return 'A download link';
  return entry.keyName === null ? 'A removed API key' : `API key “${entry.keyName}”`;
}

/** The workspace's flows' names by their database id (`Flow.uuid`). */
export type FlowNames = ReadonlyMap<string, string>;

/**
 * What was acted on, in words. A data subject is recorded as a keyed hash (never the email):
 * it shows as a short reference that tells two subjects apart and nothing more. The rows of one
 * flow (`consents of flow <uuid>`) show the flow's name from `flows`, or say the flow was
 * deleted; without `flows` (they could not be read), as recorded.
 */
export function auditTarget(entry: AuditEntry, flows?: FlowNames): string {
  if (entry.target === null) return '—';
  const subject = /^subject:([0-9a-f]+)$/.exec(entry.target);
  if (subject) return `A data subject (ref. ${subject[1]!.slice(0, 8)})`;
  const ofFlow = /^(.+) of flow ([0-9a-f-]{36})$/.exec(entry.target);
  if (ofFlow && flows) {
    const name = flows.get(ofFlow[2]!);
    return `${ofFlow[1]} of ${name === undefined ? `a deleted flow (ref. ${ofFlow[2]!.slice(0, 8)})` : `flow “${name}”`}`;
  }
  return entry.target;
}

/** Counts an entry may carry besides rows per table. */
const COUNT_LABELS: Readonly<Record<string, string>> = { sessions: 'Chat sessions', consentsWithdrawn: 'Consents withdrawn' };

/** The counts of an entry in words, zeros left out, e.g. `Giveaway participations 2, Chat sessions 1`. */
export function auditCounts(entry: AuditEntry): string {
  const parts = Object.entries(entry.counts).filter(([, n]) => n !== 0).map(([name, n]) => `${COUNT_LABELS[name] ?? tableLabel(name)} ${n.toLocaleString('en')}`);
  return parts.length === 0 ? '—' : parts.join(', ');
}
