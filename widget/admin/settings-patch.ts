import type { TableInfo, Workspace, WorkspacePatch } from './api-types.js';
import { nonBlankLines } from './error-paths.js';
import { tableLabel } from './table-labels.js';

/** The settings form as typed. */
export interface SettingsInput {
  readonly name: string;
  readonly timeZone: string;
  readonly storageEnabled: boolean;
  /** Allowed widget origins, one per line. */
  readonly origins: string;
  /** Days per table, as typed in the number inputs. */
  readonly retention: Readonly<Record<string, string>>;
  /** Days the audit log keeps an entry, as typed. */
  readonly auditDays: string;
}

export type SettingsPatchResult =
  | { readonly ok: true; readonly patch: WorkspacePatch }
  | { readonly ok: false; readonly field: string; readonly message: string };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The `PATCH /workspace` body for what changed in the form (an empty patch when nothing did).
 * A retention change keeps the workspace's other overrides (per module, other tables); a
 * retention field that is not a whole number is refused here, before any request.
 *
 * @example
 * buildSettingsPatch({ ...input, retention: { participations: '10' } }, workspace, tables)
 * // { ok: true, patch: { retention: { tables: { participations: 10 } } } }
 */
export function buildSettingsPatch(input: SettingsInput, workspace: Workspace, tables: readonly TableInfo[]): SettingsPatchResult {
  const overrides: Record<string, number> = { ...(workspace.retention.tables ?? {}) };
  for (const table of tables) {
    const typed = (input.retention[table.name] ?? '').trim();
    if (!/^\d+$/.test(typed)) return { ok: false, field: `retention.${table.name}`, message: 'Enter a whole number of days.' };
    const days = Number(typed);
    if (days !== table.retentionDays) overrides[table.name] = days;
  }
  const auditDays = input.auditDays.trim();
  if (!/^\d+$/.test(auditDays)) return { ok: false, field: 'auditRetentionDays', message: 'Enter a whole number of days.' };
  const origins = nonBlankLines(input.origins).map((entry) => entry.value);
  const patch: { -readonly [K in keyof WorkspacePatch]: WorkspacePatch[K] } = {};
  if (input.name.trim() !== workspace.name) patch.name = input.name.trim();
  if (input.timeZone.trim() !== workspace.timeZone) patch.timeZone = input.timeZone.trim();
  if (input.storageEnabled !== workspace.storageEnabled) patch.storageEnabled = input.storageEnabled;
  if (!same(origins, workspace.allowedOrigins)) patch.allowedOrigins = origins;
  if (!same(overrides, workspace.retention.tables ?? {})) patch.retention = { ...workspace.retention, tables: overrides };
  if (Number(auditDays) !== workspace.auditRetentionDays) patch.auditRetentionDays = Number(auditDays);
  return { ok: true, patch };
}

/** The shortest retention the API takes: a day for a table, 30 days for the audit log. */
const MIN_TABLE_DAYS = 1;
const MIN_AUDIT_DAYS = 30;

/**
 * What `patch` shortens, as `Label: from → to days`: each table whose retention it lowers and the
 * audit log's. Rows (and entries) older than the new retention are hidden at once and deleted at
 * the next sweep, so the form asks before it saves. Values the API refuses anyway are left out.
 *
 * @example
 * shortenedRetentions({ retention: { tables: { winners: 10 } } }, workspace, tables) // ['Winners: 60 → 10 days']
 */
export function shortenedRetentions(patch: WorkspacePatch, workspace: Workspace, tables: readonly TableInfo[]): string[] {
  const shortened: string[] = [];
  const typed = patch.retention?.tables ?? {};
  for (const table of tables) {
    const days = typed[table.name];
    if (days !== undefined && days >= MIN_TABLE_DAYS && days < table.retentionDays) shortened.push(`${tableLabel(table.name)}: ${table.retentionDays} → ${days} days`);
  }
  const audit = patch.auditRetentionDays;
  if (audit !== undefined && audit >= MIN_AUDIT_DAYS && audit < workspace.auditRetentionDays) shortened.push(`Audit log: ${workspace.auditRetentionDays} → ${audit} days`);
  return shortened;
}
