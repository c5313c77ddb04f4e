import { describe, expect, it } from 'vitest';
import { buildSettingsPatch, shortenedRetentions, type SettingsInput } from '../../../widget/admin/settings-patch.js';
import type { TableInfo, Workspace } from '../../../widget/admin/api-types.js';

const workspace: Workspace = {
  id: 'ws',
  name: 'Shop',
  timeZone: 'Europe/Paris',
  storageEnabled: true,
  storageOffModules: [],
  allowedOrigins: [],
  retention: { tables: { consents: 1095 } },
  auditRetentionDays: 365,
};
const tables: TableInfo[] = [
  { name: 'participations', rows: 3, retentionDays: 60 },
  { name: 'consents', rows: 2, retentionDays: 1095 },
];
const typed = (changes: Partial<SettingsInput> = {}): SettingsInput => ({
  name: 'Shop',
  timeZone: 'Europe/Paris',
  storageEnabled: true,
  origins: '',
  retention: { participations: '60', consents: '1095' },
  auditDays: '365',
  ...changes,
});

/** The retentions a form as typed would shorten. */
function shortened(changes: Partial<SettingsInput>): string[] {
  const result = buildSettingsPatch(typed(changes), workspace, tables);
  if (!result.ok) throw new Error(result.message);
  return shortenedRetentions(result.patch, workspace, tables);
}

describe('settings: what a save shortens, asked before it is saved', () => {
  it('names each table whose retention goes down, and the audit log, with both numbers of days', () => {
    expect(shortened({ retention: { participations: '10', consents: '30' }, auditDays: '90' })).toEqual([
      'Giveaway participations: 60 → 10 days',
      'Consents: 1095 → 30 days',
      'Audit log: 365 → 90 days',
    ]);
  });

  it('asks nothing when retentions only grow, stay, or are values the API refuses anyway', () => {
    expect(shortened({ retention: { participations: '90', consents: '1095' }, auditDays: '400' })).toEqual([]);
    expect(shortened({ name: 'Renamed' })).toEqual([]);
    expect(shortened({ retention: { participations: '0', consents: '1095' }, auditDays: '20' })).toEqual([]);
  });
});
