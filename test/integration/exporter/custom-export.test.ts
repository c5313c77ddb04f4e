import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { flowSetup, registry, saveTestFlow, type TestVisitor } from '../../support/flow-harness.js';
import { storedDefinition } from '../../../exporter/definition/stored-definition.js';
import { prepareExport } from '../../../exporter/export-service.js';
import { previewRows } from '../../../exporter/pipeline/render-export.js';
import { getExport } from '../../../storage/export-repository.js';
import type { RunningServer } from '../../../runtime/server.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import type { Workspace } from '../../../storage/workspace-repository.js';

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;
let workspace: Workspace;
let key: string;
let visitor: (slug: string) => TestVisitor;

const flow = {
  name: 'Summer game',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'nick' },
    { id: 'nick', module: 'text-question', config: { question: 'Nickname?', variable: 'nickname', required: false }, next: 'optin' },
    { id: 'optin', module: 'consent', config: { label: 'Send me news' }, next: 'play' },
    { id: 'play', module: 'instant-win', config: { mode: 'odds', odds: 1, prizes: [{ id: 'mug', title: 'Mug', stock: 2 }] } },
  ],
};

async function play(email: string, nickname: string, optIn: boolean): Promise<void> {
  const v = visitor('summer');
  await v.start();
  await v.answer(email);
  await v.answer(nickname);
  await v.answer(optIn);
  storage.clock.advance(60_000);
}

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-07-01T08:00:00Z') });
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
  const setup = await flowSetup(storage);
  workspace = setup.workspace;
  visitor = setup.visitor;
  key = (await issueApiKey(storage.db, workspace.id)).key;
  await saveTestFlow(storage, workspace, 'summer', flow);
  await play('Ann@Example.org', '  ann   lee ', true); // wins, opted in
  await play('bob@example.org', 'bob', false); // wins, declined
  await play('cy@example.org', 'cy', true); // loses (stock gone), opted in
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

const definition = {
  name: 'Opted-in winners',
  source: { flow: 'summer' },
  scope: 'winners',
  fields: [
    { field: 'form.email', column: 'EMAIL', filter: 'upper_case' },
    { field: 'form.nickname', column: 'NICK', filter: 'collapse_spaces', maxSize: 5 },
    { field: 'form.is_optin', column: 'OPTIN' },
    { field: 'gift.title', column: 'GIFT' },
    { field: 'form.created_at', column: 'DATE', filter: 'date_ddmmyyyy' },
    { field: 'operation.name', column: 'OP' },
    { field: 'form.contest_entry_hash_id', column: 'ID', minSize: 12, padChar: '0', padSide: 'left' },
    { field: 'custom', value: 'ACME', column: 'BRAND' },
  ],
  conditions: [{ field: 'form.is_optin', operator: 'in_list', value: ['1', '2'] }],
  format: { type: 'csv', delimiter: ';' },
  fileNamePattern: '{export}-{date:YYYYMMDD}',
};

describe('custom exports', () => {
  it('lists the field catalogue of a flow, grouped', async () => {
    const response = await api(server.url, key, 'GET', '/api/v1/exports/fields?flow=summer');
    expect(response.status).toBe(200);
    expect(contract.check('listExportFields', 200, response.body)).toEqual([]);
    const groups = Object.fromEntries(response.body.groups.map((g: { group: string; fields: Array<{ key: string }> }) => [g.group, g.fields.map((f) => f.key)]));
    expect(groups.form).toEqual(expect.arrayContaining(['form.email', 'form.nickname', 'form.is_optin', 'form.instant_win_won', 'form.contest_entry_hash_id', 'form.is_anonymous', 'form.created_at', 'form.can_participate']));
    expect(groups.device).toEqual(['device.mobile', 'device.origin_url', 'device.ip', 'device.browser', 'device.platform', 'device.country', 'device.width', 'device.height']);
    expect(groups.operation).toEqual(['operation.chrono', 'operation.hash_id', 'operation.name']);
    expect(groups.access_code).toEqual(['operation.access_code']);
    expect(response.body.groups.map((g: { title: string }) => g.title)).toEqual(['Form', 'Device', 'Operation', 'Access code', 'Gift', 'External', 'Host page variables', 'Custom']);
    expect(response.body.winnersOffered).toBe(true);
    expect(groups.gift).toEqual(['gift.hash_id', 'gift.title', 'gift.description', 'gift.code']);
    expect(groups.custom).toEqual(['custom']);
    // Fields whose values are known offer them to conditions, each with its plain name.
    const form = response.body.groups.find((g: { group: string }) => g.group === 'form').fields as Array<{ key: string; values?: unknown }>;
    expect(form.find((f) => f.key === 'form.is_optin')?.values).toEqual([{ value: '0', label: 'Declined' }, { value: '1', label: 'Opt-in' }, { value: '2', label: 'Double opt-in confirmed' }]);
    expect(form.find((f) => f.key === 'form.email')).not.toHaveProperty('values');
  });

  it('winners only plus an opt-in condition returns exactly the winners who opted in, filtered and padded', async () => {
    const created = await api(server.url, key, 'POST', '/api/v1/exports', definition);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(contract.check('createExport', 201, created.body)).toEqual([]);
    const preview = await api(server.url, key, 'POST', `/api/v1/exports/${created.body.id}/preview`, {});
    expect(contract.check('previewExport', 200, preview.body)).toEqual([]);
    expect(preview.body.columns).toEqual(['EMAIL', 'NICK', 'OPTIN', 'GIFT', 'DATE', 'OP', 'ID', 'BRAND']);
    const rows = parse(preview.body.text, { delimiter: ';', columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ EMAIL: 'ANN@EXAMPLE.ORG', NICK: 'ann l', OPTIN: '1', GIFT: 'Mug', DATE: '01072026', OP: 'Summer game', BRAND: 'ACME' });
    expect(rows[0]!.ID).toMatch(/^0*[0-9A-Za-z]{10}$/);
    expect(rows[0]!.ID).toHaveLength(12);
  });

  it('scopes: entries gives every participation, participants one per person', async () => {
    const entries = await api(server.url, key, 'POST', '/api/v1/exports', { ...definition, scope: 'entries', conditions: [], fields: [{ field: 'form.email' }, { field: 'form.instant_win_won' }] });
    const preview = await api(server.url, key, 'POST', `/api/v1/exports/${entries.body.id}/preview`, {});
    expect(preview.body.rows).toEqual([['ann@example.org', 'true'], ['bob@example.org', 'true'], ['cy@example.org', 'false']]);
  });

  it('refuses bad definitions with the JSON path', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...definition, fields: [{ field: 'form.shoe_size' }] }, '/fields/0/field'],
      [{ ...definition, fields: [{ field: 'form.is_optin', filter: 'date_ddmmyyyy' }] }, '/fields/0/filter'],
      [{ ...definition, fields: [{ field: 'form.email', minSize: 5, maxSize: 2 }] }, '/fields/0/minSize'],
      [{ ...definition, conditions: [{ field: 'device.country', operator: 'equals', value: 'FR' }] }, '/conditions/0/field'],
      [{ ...definition, fileNamePattern: '../{export}' }, '/fileNamePattern'],
      [{ ...definition, format: { type: 'csv', delimiter: 'xx' } }, '/format/delimiter'],
      [{ ...definition, source: { flow: 'nope' } }, '/source/flow'],
      [{ ...definition, unknown: true }, '/unknown'],
    ];
    for (const [body, path] of cases) {
      const response = await api(server.url, key, 'POST', '/api/v1/exports', body);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.error.path).toBe(path);
    }
  });

  it('exports fields that partner systems attached to an entry', async () => {
    const rows = await api(server.url, key, 'GET', '/api/v1/tables/instant_win_claims/rows');
    const entryId = rows.body.rows.find((r: { personal: { email: string } }) => r.personal.email === 'bob@example.org').id;
    expect((await api(server.url, key, 'PUT', `/api/v1/participations/${entryId}/external`, { 'pop.status': 'validated' })).status).toBe(204);
    expect((await api(server.url, key, 'PUT', `/api/v1/participations/${entryId}/external`, { 'bad key': 'x' })).status).toBe(400);
    const created = await api(server.url, key, 'POST', '/api/v1/exports', { ...definition, scope: 'entries', conditions: [], fields: [{ field: 'form.email' }, { field: 'external.pop.status', defaultValue: 'none' }] });
    const preview = await api(server.url, key, 'POST', `/api/v1/exports/${created.body.id}/preview`, {});
    expect(preview.body.rows).toEqual([['ann@example.org', 'none'], ['bob@example.org', 'validated'], ['cy@example.org', 'none']]);
  });

  it('winners only stays winners only when a daily trigger selects participants (was: every participant)', async () => {
    const daily = { ...definition, conditions: [], fields: [{ field: 'form.email' }], destination: { kind: 'local', directory: 'winners' }, trigger: { type: 'daily', time: '06:00', mode: 'all' } };
    const created = await api(server.url, key, 'POST', '/api/v1/exports', daily);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const stored = storedDefinition((await getExport(storage, workspace.id, created.body.id))!);
    for (const selection of ['all', { from: null, to: storage.clock.now() }] as const) {
      const prepared = await prepareExport(storage, registry, workspace, stored, selection);
      expect(await previewRows(prepared.compiled, prepared.records(), 10)).toEqual([['ann@example.org'], ['bob@example.org']]);
    }
    const bothScopes = { ...stored, scope: 'winning_participants' as const };
    const prepared = await prepareExport(storage, registry, workspace, bothScopes);
    expect(await previewRows(prepared.compiled, prepared.records(), 10)).toEqual([['ann@example.org'], ['bob@example.org']]);
  });
});
