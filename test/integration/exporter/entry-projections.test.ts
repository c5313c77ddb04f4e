import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { buffer } from 'node:stream/consumers';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, registry, saveTestFlow } from '../../support/flow-harness.js';
import { RELATED_FLOW } from '../../support/related-entries-fixture.js';
import { prepareExport } from '../../../exporter/export-service.js';
import { renderExport } from '../../../exporter/pipeline/render-export.js';
import type { ExportDefinition } from '../../../exporter/definition/export-definition.js';
import type { Workspace } from '../../../storage/workspace-repository.js';

let storage: TestStorage;
let workspace: Workspace;

/** Entry data as modules and partners may leave it: missing, odd and escaped values. */
const DATA: unknown[] = [
  { chrono: 12, device: { mobile: true, browser: 'Firefox', platform: 'Linux', country: 'fr', screenWidth: 1280, screenHeight: 800, originUrl: 'https://a.example/?q="x"&y=1' } },
  { chrono: '12', limitReached: true, device: { mobile: 'yes', browser: 'Ünïcødé 🎉 "quoted" \\ back\\slash', country: null, screenWidth: 1.5e3, screenHeight: -2 } },
  { limitReached: false, device: ['not', 'an', 'object'] },
  { limitReached: 'true', device: 'a string' },
  { chrono: { nested: 1 }, device: { mobile: false, browser: ['a'], country: { code: 'fr' }, screenWidth: 12345678901234567890, originUrl: '\n\tline\r\nbreaks' } },
  {},
  { chrono: null, device: null },
];

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-07-01T08:00:00Z') });
  ({ workspace } = await flowSetup(storage));
  const flow = await saveTestFlow(storage, workspace, 'related', RELATED_FLOW);
  await storage.pool.query(
    `insert into store_participations (id, workspace_id, flow_id, session_id, participant_ref, module_id, step_id, default_retention_days, created_at, expires_at, data)
     select gen_random_uuid(), $1, $2, gen_random_uuid(), case when i = 3 then null else 'ref-' || i end, 'giveaway', 'draw', 60,
       timestamptz '2026-06-30 08:00:00.123456+00' + i * interval '1 minute 0.000777 seconds', timestamptz '2026-08-30 08:00:00+00', d
     from unnest($3::jsonb[]) with ordinality as u(d, i)`,
    [workspace.id, flow.id, DATA.map((d) => JSON.stringify(d))],
  );
});
afterAll(async () => {
  await storage.destroy();
});

async function exportRows(definition: ExportDefinition): Promise<{ rows: string[][]; projections: readonly string[] | undefined; entryColumns: string }> {
  const prepared = await prepareExport(storage, registry, workspace, definition);
  const rendered = renderExport({ compiled: prepared.compiled, format: definition.format, records: prepared.records() });
  const rows = parse((await buffer(rendered.output)).toString('utf8'), { relax_column_count: false }) as string[][];
  return { rows, projections: prepared.compiled.projections, entryColumns: prepared.compiled.entryColumns };
}

const PROJECTED_FIELDS = [
  'form.contest_entry_hash_id',
  'form.created_at',
  'form.can_participate',
  'device.mobile',
  'device.origin_url',
  'device.browser',
  'device.platform',
  'device.country',
  'device.width',
  'device.height',
  'operation.chrono',
];

describe('entry fields computed by PostgreSQL (projections)', () => {
  it('give every field the value the entry row gives it, raw and through filters, in every scope', async () => {
    const filtered = [{ field: 'form.created_at', column: 'AT', filter: 'date_ddmmyyyy' }, { field: 'device.mobile', column: 'MOBILE', filter: 'true_false' }, { field: 'device.browser', column: 'BROWSER', filter: 'upper_case' }];
    const fields = [...PROJECTED_FIELDS.map((field) => ({ field })), ...filtered, { field: 'custom.brand', column: 'BRAND', value: 'ACME' }];
    for (const scope of ['entries', 'participants'] as const) {
      const projected = { name: 'Projected', source: { flow: 'related' }, scope, fields, format: { type: 'csv' }, fileNamePattern: '{export}' } as unknown as ExportDefinition;
      // The same fields and one that reads the entry's data without a projection: the export reads the entry rows instead.
      const read = { ...projected, fields: [...fields, { field: 'external.crm.id', column: 'CRM' }] } as unknown as ExportDefinition;
      // The same fields and one that reads related rows only: the entries' keys and projected values are sent.
      const keyed = { ...projected, fields: [...fields, { field: 'form.is_optin', column: 'OPTIN' }] } as unknown as ExportDefinition;
      const a = await exportRows(projected);
      const b = await exportRows(read);
      const c = await exportRows(keyed);
      expect([a.entryColumns, b.entryColumns, c.entryColumns]).toEqual(['projected', 'full', 'keys']);
      expect(a.projections).toHaveLength(PROJECTED_FIELDS.length);
      expect(b.projections).toBeUndefined();
      expect(c.projections).toEqual(a.projections);
      expect(a.rows.length).toBe(DATA.length + 1);
      expect(a.rows).toEqual(b.rows.map((row) => row.slice(0, -1)));
      expect(a.rows).toEqual(c.rows.map((row) => row.slice(0, -1)));
    }
  });

  it('reads the entry values as they are stored (dates to the microsecond, unicode, quotes, line breaks)', async () => {
    const definition = { name: 'Raw', source: { flow: 'related' }, fields: PROJECTED_FIELDS.map((field) => ({ field })), format: { type: 'json' }, fileNamePattern: '{export}' } as unknown as ExportDefinition;
    const prepared = await prepareExport(storage, registry, workspace, definition);
    const rendered = renderExport({ compiled: prepared.compiled, format: definition.format, records: prepared.records() });
    const rows = JSON.parse((await buffer(rendered.output)).toString('utf8')) as Array<Record<string, string>>;
    expect(rows[1]).toMatchObject({ 'form.contest_entry_hash_id': 'ref-2', 'form.can_participate': 'false', 'device.browser': 'Ünïcødé 🎉 "quoted" \\ back\\slash', 'device.width': '1500', 'operation.chrono': '12' });
    expect(rows[4]).toMatchObject({ 'device.origin_url': '\n\tline\r\nbreaks', 'device.browser': '', 'device.country': '', 'operation.chrono': '' });
    expect(rows[2]!['form.contest_entry_hash_id']).toBe('');
    expect(rows[0]!['form.created_at']).toContain('2026-06-30');
    // The microseconds cut off, as the row's own date has them (entry 3 at .125787: 125 ms, not 126).
    expect(rows[2]!['form.created_at']).toContain('08:03:00.125');
  });
});
