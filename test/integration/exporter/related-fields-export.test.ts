import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import { buffer } from 'node:stream/consumers';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, registry, saveTestFlow } from '../../support/flow-harness.js';
import { emailOf, expectedRelatedCells, insertRelatedEntries, RELATED_FIELDS_EXPORT, RELATED_FLOW } from '../../support/related-entries-fixture.js';
import { prepareExport } from '../../../exporter/export-service.js';
import { renderExport } from '../../../exporter/pipeline/render-export.js';
import type { ExportDefinition } from '../../../exporter/definition/export-definition.js';
import type { Workspace } from '../../../storage/workspace-repository.js';
import { streamFlowRecords, type ExportRecord, type RecordBatch } from '../../../storage/export-source.js';
import { RELATED_SETTINGS } from '../../../storage/export-related-rows.js';

let storage: TestStorage;
let workspace: Workspace;
// 1,200 entries read in batches of 1,000: entries 1004 and 1005 (the same participant, back in a
// new session) fall on either side of the first batch boundary.
const RANGE = { first: 5, last: 1204 };

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-07-01T08:00:00Z') });
  ({ workspace } = await flowSetup(storage));
  const flow = await saveTestFlow(storage, workspace, 'related', RELATED_FLOW);
  await insertRelatedEntries(storage.db, storage.keyring, {
    workspaceId: workspace.id,
    flowId: flow.id,
    first: RANGE.first,
    count: RANGE.last - RANGE.first + 1,
    start: new Date('2026-06-30T08:00:00Z'),
  });
});
afterAll(async () => {
  await storage.destroy();
});

async function exportCsv(definition: ExportDefinition, from: Workspace = workspace): Promise<string[][]> {
  const prepared = await prepareExport(storage, registry, from, definition);
  const rendered = renderExport({ compiled: prepared.compiled, format: definition.format, records: prepared.records() });
  return parse((await buffer(rendered.output)).toString('utf8')) as string[][];
}

describe('exports reading related tables', () => {
  it('fills email, text answer, consent, winner and code from the rows of the entry’s session and subject, latest row first', async () => {
    const rows = await exportCsv(RELATED_FIELDS_EXPORT as unknown as ExportDefinition);
    const expected = [['ID', 'DATE', 'EMAIL', 'COLOUR', 'OPTIN', 'GIFT', 'CODE', 'COUNTRY']];
    for (let g = RANGE.first; g <= RANGE.last; g += 1) expected.push(expectedRelatedCells(g, RANGE, '30062026'));
    expect(rows.length).toBe(expected.length);
    // A returning participant (1005, back with the email of 1004 in a new session, read in the
    // next batch) sees the subject's rows of both sessions, and so does its earlier entry: the
    // latest consent (1005 declined), the win of 1004, the first code handed out.
    expect(rows.find((r) => r[0] === 'p000001005')).toEqual(['p000001005', '30062026', 'USER1004@EXAMPLE.ORG', 'colour 4', '0', 'Mug', 'CODE-1004', 'France']);
    expect(rows.find((r) => r[0] === 'p000001004')).toEqual(['p000001004', '30062026', 'USER1004@EXAMPLE.ORG', 'colour 3', '0', 'Mug', 'CODE-1004', 'France']);
    expect(rows).toEqual(expected);
  });

  it('winners only: the entries whose session or data subject won, a returning participant’s later entry included', async () => {
    const all = await exportCsv(RELATED_FIELDS_EXPORT as unknown as ExportDefinition);
    const winners = await exportCsv({ ...RELATED_FIELDS_EXPORT, scope: 'winners' } as unknown as ExportDefinition);
    // GIFT is filled exactly when the entry's session or subject won.
    const expected = all.slice(1).filter((row) => row[5] === 'Mug');
    expect(expected.length).toBeGreaterThan(200);
    expect(winners.slice(1)).toEqual(expected);
    // 1005 came back in a session of its own, which won nothing: its subject (1004) won.
    expect(winners.find((row) => row[0] === 'p000001005')).toEqual(['p000001005', '30062026', 'USER1004@EXAMPLE.ORG', 'colour 4', '0', 'Mug', 'CODE-1004', 'France']);
    expect(winners.find((row) => row[0] === 'p000001006')).toBeUndefined();
  });

  it('reads related rows of the batches read ahead one statement at a time: pg warns of none queued on its connection', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const rows = await exportCsv(RELATED_FIELDS_EXPORT as unknown as ExportDefinition);
      expect(rows.length).toBe(RANGE.last - RANGE.first + 2);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('gives its connections back to the pool with their settings reset', async () => {
    const rows = await exportCsv(RELATED_FIELDS_EXPORT as unknown as ExportDefinition);
    expect(rows.length).toBe(RANGE.last - RANGE.first + 2);
    // Every connection of the pool at once, so the two the export held are among them.
    const clients = await Promise.all(Array.from({ length: storage.pool.totalCount }, () => storage.pool.connect()));
    try {
      expect(clients.length).toBeGreaterThanOrEqual(2);
      const changed = await Promise.all(clients.map(async (client) => (await client.query<{ name: string }>(
        `select name from pg_settings where name = any($1) and setting <> reset_val`, [Object.keys(RELATED_SETTINGS)])).rows));
      expect(changed.flat()).toEqual([]);
    } finally {
      for (const client of clients) client.release();
    }
  });

  it('applies conditions on related fields: only the opted-in winners', async () => {
    const definition = { ...RELATED_FIELDS_EXPORT, conditions: [{ field: 'form.is_optin', operator: 'in_list', value: ['1'] }, { field: 'gift.title', operator: 'not_empty' }] };
    const rows = await exportCsv(definition as unknown as ExportDefinition);
    const expected = [];
    for (let g = RANGE.first; g <= RANGE.last; g += 1) {
      const cells = expectedRelatedCells(g, RANGE, '30062026');
      if (cells[4] === '1' && cells[5] === 'Mug') expected.push(cells);
    }
    expect(expected.length).toBeGreaterThan(50);
    expect(rows.slice(1)).toEqual(expected);
  });

  it('after crypto-shredding, exports non-personal fields and refuses personal ones (data_key_destroyed)', async () => {
    const { workspace: shredded } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, shredded, 'related', RELATED_FLOW);
    await insertRelatedEntries(storage.db, storage.keyring, { workspaceId: shredded.id, flowId: flow.id, count: 3, start: new Date('2026-06-30T08:00:00Z') });
    await storage.keyring.destroyKey(shredded.id);
    const plain = { ...RELATED_FIELDS_EXPORT, fields: RELATED_FIELDS_EXPORT.fields.filter((f) => f.field !== 'form.email' && f.field !== 'form.colour') };
    expect((await exportCsv(plain as unknown as ExportDefinition, shredded)).slice(1)).toEqual([1, 2, 3].map((g) => expectedRelatedCells(g, { first: 1, last: 3 }, '30062026').filter((_c, i) => i !== 2 && i !== 3)));
    await expect(exportCsv(RELATED_FIELDS_EXPORT as unknown as ExportDefinition, shredded)).rejects.toMatchObject({ code: 'data_key_destroyed' });
  });

  it('sends no sealed bytes when no field reads them, and refuses a read that was not declared', async () => {
    const plain = { ...RELATED_FIELDS_EXPORT, fields: RELATED_FIELDS_EXPORT.fields.filter((f) => f.field !== 'form.email' && f.field !== 'form.colour') };
    const prepared = await prepareExport(storage, registry, workspace, plain as unknown as ExportDefinition);
    expect(prepared.compiled.sealed).toBe(false);
    const expected = [];
    for (let g = RANGE.first; g <= RANGE.last; g += 1) expected.push(expectedRelatedCells(g, RANGE, '30062026').filter((_c, i) => i !== 2 && i !== 3));
    expect((await exportCsv(plain as unknown as ExportDefinition)).slice(1)).toEqual(expected);

    const flowId = prepared.flow!.id;
    const first = async (sealed: boolean): Promise<ExportRecord> => {
      const stream = streamFlowRecords(storage, { workspaceId: workspace.id, flowId, scope: 'entries', sealed });
      for await (const batch of stream) {
        stream.destroy();
        return (batch as RecordBatch)[0]!;
      }
      throw new Error('no entries');
    };
    const sealed = await first(true);
    expect(sealed.entry.personal).toMatchObject({ email: emailOf(RANGE.first) });
    expect(sealed.related.variables![0]!.personal).toMatchObject({ email: emailOf(RANGE.first) });
    expect(sealed.related.consents![0]!.personal).toMatchObject({ email: emailOf(RANGE.first) });
    const unsealed = await first(false);
    expect(unsealed.entry.participantRef).toBe(sealed.entry.participantRef);
    expect(() => unsealed.entry.personal).toThrow('did not read sealed values');
    expect(() => unsealed.related.variables![0]!.personal).toThrow('did not read sealed values');

    // The related-fields export reads sealed values of variables (email, answer) only: the consents' are not sent.
    // Nor are the entries' own: no field of it reads them.
    const full = await prepareExport(storage, registry, workspace, RELATED_FIELDS_EXPORT as unknown as ExportDefinition);
    expect(full.compiled.sealedRelated).toEqual(['variables']);
    expect(full.compiled.sealedEntry).toBe(false);
    const stream = streamFlowRecords(storage, { workspaceId: workspace.id, flowId, scope: 'entries', related: full.compiled.related, sealed: true, sealedEntry: false, sealedRelated: full.compiled.sealedRelated });
    const records: ExportRecord[] = [];
    for await (const batch of stream) records.push(...(batch as RecordBatch));
    expect(records[0]!.related.variables![0]!.personal).toMatchObject({ email: emailOf(RANGE.first) });
    expect(records.every((record) => record.related.consents!.length > 0)).toBe(true);
    for (const record of records) expect(() => record.related.consents![0]!.personal).toThrow('did not read sealed values');
    for (const record of records) expect(() => record.entry.personal).toThrow('did not read sealed values');

    // A field that reads the entry's own (the email the giveaway stored with it) has them sent and opened.
    const withEntry = { ...RELATED_FIELDS_EXPORT, fields: [...RELATED_FIELDS_EXPORT.fields, { field: 'form.giveaway_email' }] } as unknown as ExportDefinition;
    expect((await prepareExport(storage, registry, workspace, withEntry)).compiled.sealedEntry).toBe(true);
    const entryEmails = (await exportCsv(withEntry)).slice(1).map((row) => row[row.length - 1]);
    const wanted = [];
    for (let g = RANGE.first; g <= RANGE.last; g += 1) wanted.push(emailOf(g));
    expect(entryEmails).toEqual(wanted);
  });

  it('is sent only the rows of variables its fields read: the email alone, or an answer and the host page\'s values', async () => {
    const full = await exportCsv(RELATED_FIELDS_EXPORT as unknown as ExportDefinition);
    const variablesRead = async (fields: ReadonlyArray<{ field: string }>) => {
      const definition = { ...RELATED_FIELDS_EXPORT, fields } as unknown as ExportDefinition;
      const prepared = await prepareExport(storage, registry, workspace, definition);
      // The records the export itself reads (what `prepareExport` asks of the source).
      const variables = new Set<unknown>();
      for await (const batch of prepared.records()) for (const record of batch as RecordBatch) for (const row of record.related.variables ?? []) variables.add(row.data.variable);
      return { variableRows: prepared.compiled.variableRows, variables: [...variables], rows: await exportCsv(definition) };
    };
    // Each entry's session holds an email row and an answer row (returning participants' subjects the rows of two sessions).
    const spec = (field: string) => RELATED_FIELDS_EXPORT.fields.find((f) => f.field === field)!;
    const email = await variablesRead([spec('form.contest_entry_hash_id'), spec('form.email')]);
    expect(email.variableRows).toEqual({ names: ['email'], host: false });
    expect(email.variables).toEqual(['email']);
    expect(email.rows).toEqual(full.map((row) => [row[0], row[2]]));
    // The host page passed a value to one session: its row, as the engine writes it (`data.host`).
    await sql`insert into store_variables (id, workspace_id, flow_id, session_id, participant_ref, module_id, default_retention_days, created_at, expires_at, data)
      select gen_random_uuid(), workspace_id, flow_id, session_id, participant_ref, 'session', default_retention_days, created_at, expires_at, '{"host":{"utm_source":"newsletter"}}'
      from store_participations where participant_ref = 'P000000100'`.execute(storage.db);
    const colour = await variablesRead([spec('form.colour'), { field: 'variable.utm_source', column: 'SOURCE' } as { field: string }]);
    expect(colour.variableRows).toEqual({ names: ['colour'], host: true });
    expect(colour.variables.sort()).toEqual(['colour', undefined]);
    expect(colour.rows).toEqual(full.map((row, i) => [row[3], i === 0 ? 'SOURCE' : row[0] === 'p000000100' ? 'newsletter' : '']));
  });

  it('reads the entries of both entry tables oldest first, interleaved (a flow with a draw and an instant win)', async () => {
    const { workspace: both } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, both, 'related', RELATED_FLOW);
    await insertRelatedEntries(storage.db, storage.keyring, { workspaceId: both.id, flowId: flow.id, count: 4, start: new Date('2026-06-30T08:00:00Z') });
    // An instant-win claim half a second after each participation, by the same participant.
    await storage.pool.query(
      `insert into store_instant_win_claims (id, workspace_id, flow_id, session_id, participant_ref, subject_hash, module_id, step_id, default_retention_days, created_at, expires_at, data)
       select gen_random_uuid(), workspace_id, flow_id, session_id, 'claim-' || participant_ref, subject_hash, 'instant-win', 'win', default_retention_days, created_at + interval '500 ms', expires_at, '{"won": true}'
       from store_participations where workspace_id = $1`,
      [both.id],
    );
    const definition = { ...RELATED_FIELDS_EXPORT, fields: [{ field: 'form.contest_entry_hash_id', column: 'ID' }] };
    const rows = await exportCsv(definition as unknown as ExportDefinition, both);
    expect(rows.slice(1).map((r) => r[0])).toEqual([1, 2, 3, 4].flatMap((g) => [`P00000000${g}`, `claim-P00000000${g}`]));
  });
});
