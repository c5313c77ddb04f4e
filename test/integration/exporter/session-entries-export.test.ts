import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { buffer } from 'node:stream/consumers';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, registry, saveTestFlow, type TestVisitor } from '../../support/flow-harness.js';
import { prepareExport } from '../../../exporter/export-service.js';
import { renderExport } from '../../../exporter/pipeline/render-export.js';
import type { ExportDefinition } from '../../../exporter/definition/export-definition.js';
import type { Workspace } from '../../../storage/workspace-repository.js';

// Flows without a giveaway or an instant win write no participations: each session that stored
// something is an entry of their exports, with what it collected.
const email = (next: string) => ({ id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next });
const colour = (next: string) => ({ id: 'colour', module: 'text-question', config: { question: 'Favourite colour?', variable: 'colour' }, next });
const bye = { id: 'bye', module: 'message', config: { text: 'Thanks!' } };

const SIGN_UP = { name: 'Sign-up', steps: [email('colour'), colour('optin'), { id: 'optin', module: 'consent', config: { label: 'Send me news' }, next: 'bye' }, bye] };
// The email last: a session's first row has no data subject. A choice keeps its answer too.
const pill = { id: 'pill', module: 'choice', config: { text: 'Which pill?', variable: 'pill', options: [{ id: 'red', label: 'Red' }, { id: 'blue', label: 'Blue' }] }, next: 'email' };
const SURVEY = { name: 'Survey', steps: [colour('pill'), pill, email('bye'), bye] };
const RAFFLE = { name: 'Raffle', steps: [email('colour'), colour('draw'), { id: 'draw', module: 'giveaway', config: { frequency: 'unlimited' } }] };

const consent = (id: string, label: string, next: string) => ({ id, module: 'consent', config: { label }, next });
const TWO_CONSENTS = { name: 'Two consents', steps: [email('news'), consent('news', 'Send me news', 'partners'), consent('partners', 'Share with partners', 'bye'), bye] };

type SelectedField = { readonly field: string; readonly column: string; readonly filter?: string };

/** A CSV export of `flow` with these fields (all its entries, or `scope`). */
const exportOf = (flow: string, selected: readonly SelectedField[], scope?: string) =>
  ({ name: `${flow} export`, source: { flow }, ...(scope && { scope }), fields: selected, format: { type: 'csv' }, fileNamePattern: '{export}' }) as unknown as ExportDefinition;

const FIELDS: readonly SelectedField[] = [
  { field: 'form.created_at', column: 'DATE', filter: 'datetime_yyyy_mm_dd_hh_mi_ss' },
  { field: 'form.email', column: 'EMAIL' },
  { field: 'form.colour', column: 'COLOUR' },
  { field: 'form.is_optin', column: 'OPTIN' },
  { field: 'form.is_anonymous', column: 'ANONYMOUS' },
];
const fields = (flow: string, scope?: string) => exportOf(flow, FIELDS, scope);

let storage: TestStorage;
let workspace: Workspace;
let visitor: (slug: string) => TestVisitor;

async function exportCsv(definition: ExportDefinition): Promise<string[][]> {
  const prepared = await prepareExport(storage, registry, workspace, definition);
  const rendered = renderExport({ compiled: prepared.compiled, format: definition.format, records: prepared.records() });
  return parse((await buffer(rendered.output)).toString('utf8')) as string[][];
}

/** One chat on `slug`, a minute after the last: each answer in turn. */
async function chat(slug: string, ...answers: Array<string | boolean>): Promise<void> {
  storage.clock.advance(60_000);
  const v = visitor(slug);
  await v.start();
  for (const answer of answers) await v.answer(answer);
}

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-07-01T08:00:00Z') });
  ({ workspace, visitor } = await flowSetup(storage));
  await saveTestFlow(storage, workspace, 'sign-up', SIGN_UP);
  await saveTestFlow(storage, workspace, 'survey', SURVEY);
  await saveTestFlow(storage, workspace, 'raffle', RAFFLE);
  await saveTestFlow(storage, workspace, 'consents', TWO_CONSENTS);
  await chat('sign-up', 'ann@example.org', 'blue', true); // 10:01
  await chat('sign-up', 'bob@example.org', 'green', false); // 10:02
  await chat('sign-up'); // 10:03: left without a word, nothing stored
  await chat('sign-up', 'carol@example.org'); // 10:04: left after the email
  await chat('sign-up', 'ann@example.org', 'red', true); // 10:05: Ann again, in a new session
  await chat('survey', 'teal', 'red', 'dan@example.org'); // 10:06
  await chat('survey', 'plum', 'blue', 'dan@example.org'); // 10:07
  await chat('raffle', 'eve@example.org', 'blue'); // 10:08, a participation
  await chat('raffle', 'fay@example.org'); // 10:09, gave her email and left before the draw
  await chat('consents', 'gil@example.org', true, false); // 10:10
});

afterAll(async () => {
  await storage?.destroy();
});

const HEADER = ['DATE', 'EMAIL', 'COLOUR', 'OPTIN', 'ANONYMOUS'];

describe('exports of flows that write no entries', () => {
  it('export one row per session that stored something, with what it collected and the date it started storing', async () => {
    expect(await exportCsv(fields('sign-up'))).toEqual([
      HEADER,
      ['2026-07-01 10:01:00', 'ann@example.org', 'blue', '1', 'false'],
      ['2026-07-01 10:02:00', 'bob@example.org', 'green', '0', 'false'],
      ['2026-07-01 10:04:00', 'carol@example.org', '', '', 'false'],
      // The latest consent of the data subject, as for a participation.
      ['2026-07-01 10:05:00', 'ann@example.org', 'red', '1', 'false'],
    ]);
  });

  it('participants only: one row per data subject, the latest session, even when the email came last; a choice keeps its answer', async () => {
    expect((await exportCsv(fields('sign-up', 'participants'))).map((row) => row.slice(0, 3))).toEqual([
      HEADER.slice(0, 3),
      ['2026-07-01 10:02:00', 'bob@example.org', 'green'],
      ['2026-07-01 10:04:00', 'carol@example.org', ''],
      ['2026-07-01 10:05:00', 'ann@example.org', 'red'],
    ]);
    expect((await exportCsv(fields('survey', 'participants'))).map((row) => row.slice(0, 3))).toEqual([HEADER.slice(0, 3), ['2026-07-01 10:07:00', 'dan@example.org', 'plum']]);
    const withPill = exportOf('survey', [...FIELDS.slice(0, 3), { field: 'form.pill', column: 'PILL' }, { field: 'form.pill_label', column: 'PILL_LABEL' }]);
    expect(await exportCsv(withPill)).toEqual([
      [...HEADER.slice(0, 3), 'PILL', 'PILL_LABEL'],
      ['2026-07-01 10:06:00', 'dan@example.org', 'teal', 'red', 'Red'],
      ['2026-07-01 10:07:00', 'dan@example.org', 'plum', 'blue', 'Blue'],
    ]);
  });

  it('reads the same rows whatever the export sends of its entries: keys only, or projected values only', async () => {
    const only = (keys: readonly string[]) => exportOf('sign-up', FIELDS.filter((f) => keys.includes(f.field)));
    const keyed = await prepareExport(storage, registry, workspace, only(['form.created_at', 'form.email']));
    expect(keyed.compiled.entryColumns).toBe('keys');
    expect(await exportCsv(only(['form.created_at', 'form.email']))).toEqual([
      ['DATE', 'EMAIL'],
      ['2026-07-01 10:01:00', 'ann@example.org'],
      ['2026-07-01 10:02:00', 'bob@example.org'],
      ['2026-07-01 10:04:00', 'carol@example.org'],
      ['2026-07-01 10:05:00', 'ann@example.org'],
    ]);
    const projected = await prepareExport(storage, registry, workspace, only(['form.created_at']));
    expect(projected.compiled.entryColumns).toBe('projected');
    expect(await exportCsv(only(['form.created_at']))).toEqual([['DATE'], ['2026-07-01 10:01:00'], ['2026-07-01 10:02:00'], ['2026-07-01 10:04:00'], ['2026-07-01 10:05:00']]);
  });

  it('two consent steps: each has its own opt-in field beside the latest answer of any', async () => {
    const definition = exportOf('consents', [
      { field: 'form.email', column: 'EMAIL' },
      { field: 'form.news.is_optin', column: 'NEWS' },
      { field: 'form.partners.is_optin', column: 'PARTNERS' },
      { field: 'form.is_optin', column: 'LATEST' },
    ]);
    expect(await exportCsv(definition)).toEqual([['EMAIL', 'NEWS', 'PARTNERS', 'LATEST'], ['gil@example.org', '1', '0', '0']]);
    const prepared = await prepareExport(storage, registry, workspace, definition);
    expect(prepared.catalogue.filter((f) => f.key.endsWith('is_optin')).map((f) => [f.key, f.label])).toEqual([
      ['form.is_optin', 'Opt-in (0 declined, 1 accepted, 2 confirmed)'],
      ['form.news.is_optin', 'Opt-in to “Send me news” (0 declined, 1 accepted, 2 confirmed)'],
      ['form.partners.is_optin', 'Opt-in to “Share with partners” (0 declined, 1 accepted, 2 confirmed)'],
    ]);
  });

  it('a flow with a giveaway still exports its participations only', async () => {
    const rows = await exportCsv(fields('raffle'));
    expect(rows.map((row) => row.slice(0, 3))).toEqual([HEADER.slice(0, 3), ['2026-07-01 10:08:00', 'eve@example.org', 'blue']]);
  });

  it('an entry carries its session’s device facts and the seconds until its first stored answer, not the IP address', async () => {
    await saveTestFlow(storage, workspace, 'newsletter', { ...SIGN_UP, name: 'Newsletter' });
    storage.clock.advance(60_000);
    const v = visitor('newsletter');
    await v.start();
    storage.clock.advance(45_000);
    await v.answer('hal@example.org');
    storage.clock.advance(30_000);
    await v.answer('amber');
    const deviceFields: readonly SelectedField[] = [
      { field: 'form.email', column: 'EMAIL' },
      { field: 'device.mobile', column: 'MOBILE' },
      { field: 'device.browser', column: 'BROWSER' },
      { field: 'device.ip', column: 'IP' },
      { field: 'operation.chrono', column: 'CHRONO' },
    ];
    const device = (columns: readonly string[]) => exportOf('newsletter', deviceFields.filter((f) => columns.includes(f.column)));
    expect(await exportCsv(device(['EMAIL', 'MOBILE', 'BROWSER', 'IP', 'CHRONO']))).toEqual([
      ['EMAIL', 'MOBILE', 'BROWSER', 'IP', 'CHRONO'],
      ['hal@example.org', 'false', 'Test', '', '45'],
    ]);
    // The same values computed by PostgreSQL when every field reads the entry alone.
    const projected = device(['BROWSER', 'CHRONO']);
    expect((await prepareExport(storage, registry, workspace, projected)).compiled.entryColumns).toBe('projected');
    expect(await exportCsv(projected)).toEqual([['BROWSER', 'CHRONO'], ['Test', '45']]);
  });

  it('a session whose first rows expired starts at its first live row; expired values are not shown', async () => {
    // Variables keep 60 days, consents 1,095: after 61 days only the consents are left.
    storage.clock.advance(61 * 86_400_000);
    // An email that expired leaves the entry without one; nobody asked for it to be anonymized.
    expect(await exportCsv(fields('sign-up'))).toEqual([
      HEADER,
      ['2026-07-01 10:01:00', '', '', '1', 'false'],
      ['2026-07-01 10:02:00', '', '', '0', 'false'],
      ['2026-07-01 10:05:00', '', '', '1', 'false'],
    ]);
    expect(await exportCsv(fields('survey'))).toEqual([HEADER]);
  });
});
