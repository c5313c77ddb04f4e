import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import { buffer } from 'node:stream/consumers';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, registry, saveTestFlow, type TestVisitor } from '../../support/flow-harness.js';
import { anonymizeSubjectRows } from '../../../storage/subject-anonymization.js';
import { findSubjectRows } from '../../../storage/store-reader.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { createWebhookEndpoint } from '../../../storage/webhook-endpoint-repository.js';
import { STORE_TABLES } from '../../../core/store-tables.js';
import { prepareExport } from '../../../exporter/export-service.js';
import { renderExport } from '../../../exporter/pipeline/render-export.js';
import type { ExportDefinition } from '../../../exporter/definition/export-definition.js';
import type { Workspace } from '../../../storage/workspace-repository.js';

// A person who asks to be anonymized: their entries stay (counted, winners still winners), with
// nothing left that identifies them; everybody else's rows are untouched.
const T0 = new Date('2026-07-01T08:00:00Z');
const HOUR = 3_600_000;
const CONTEST = {
  name: 'Contest',
  opensAt: T0.toISOString(),
  closesAt: new Date(T0.getTime() + 24 * HOUR).toISOString(),
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'colour' },
    { id: 'colour', module: 'text-question', config: { question: 'Favourite colour?', variable: 'colour' }, next: 'optin' },
    { id: 'optin', module: 'consent', config: { label: 'Send me news' }, next: 'win' },
    { id: 'win', module: 'instant-win', config: { winText: 'You won {{prize}}!', loseText: 'Not this time.', mode: 'odds', odds: 1, prizes: [{ id: 'tee', title: 'a T-shirt', stock: 10 }] } },
  ],
};

const EXPORT = {
  name: 'Winners',
  source: { flow: 'contest' },
  scope: 'winners',
  fields: [
    { field: 'form.email', column: 'EMAIL' },
    { field: 'form.colour', column: 'COLOUR' },
    { field: 'form.is_optin', column: 'OPTIN' },
    { field: 'form.is_anonymous', column: 'ANONYMOUS' },
    { field: 'gift.title', column: 'GIFT' },
    { field: 'device.ip', column: 'IP' },
  ],
  format: { type: 'csv' },
  fileNamePattern: '{export}',
} as unknown as ExportDefinition;

let storage: TestStorage;
let workspace: Workspace;
let visitor: (slug: string) => TestVisitor;
const sessions: Record<string, string> = {};

async function play(email: string, colour: string): Promise<void> {
  storage.clock.advance(60_000);
  const v = visitor('contest');
  await v.start();
  await v.answer(email);
  await v.answer(colour);
  expect(v.texts(await v.answer(true))).toEqual(['You won a T-shirt!']);
  sessions[email] = v.sessionId;
}

async function exportCsv(definition: ExportDefinition): Promise<string[][]> {
  const prepared = await prepareExport(storage, registry, workspace, definition);
  const rendered = renderExport({ compiled: prepared.compiled, format: definition.format, records: prepared.records() });
  return parse((await buffer(rendered.output)).toString('utf8')) as string[][];
}

/** Every store row of one chat session: its table, whether it keeps personal values or a subject, and its data. */
async function sessionRows(sessionId: string) {
  const tables = STORE_TABLES.map((table) => sql`select ${table}::text as "table", personal is not null as personal, subject_hash is not null as subject, data from ${sql.table(`store_${table}`)} where session_id = ${sessionId}`);
  const found = await sql<{ table: string; personal: boolean; subject: boolean; data: Record<string, unknown> }>`${sql.join(tables, sql` union all `)} order by 1`.execute(storage.db);
  return found.rows;
}

beforeAll(async () => {
  storage = await createTestStorage({ start: T0 });
  ({ workspace, visitor } = await flowSetup(storage));
  await createWebhookEndpoint(storage, workspace.id, { url: 'https://hooks.example.org/x', description: '', events: ['consent.withdrawn'], includePersonal: true, enabled: true });
  await saveTestFlow(storage, workspace, 'contest', CONTEST);
  await play('ann@example.org', 'blue');
  await play('bob@example.org', 'green');
});

afterAll(async () => {
  await storage?.destroy();
});

describe('anonymizing a data subject', () => {
  it('keeps the entries and the wins, strips what identifies the person, withdraws the consent, and leaves everyone else alone', async () => {
    expect(await exportCsv(EXPORT)).toEqual([
      ['EMAIL', 'COLOUR', 'OPTIN', 'ANONYMOUS', 'GIFT', 'IP'],
      ['ann@example.org', 'blue', '1', 'false', 'a T-shirt', '192.0.2.7'],
      ['bob@example.org', 'green', '1', 'false', 'a T-shirt', '192.0.2.7'],
    ]);
    const annBefore = await sessionRows(sessions['ann@example.org']!);
    await writeStoreRow(storage, workspace.id, { table: 'files', moduleId: 'file-upload', defaultRetentionDays: 30, data: { type: 'text/plain' }, personal: { name: 'ann.txt' }, subject: 'ann@example.org', attachment: Buffer.from('receipt') });

    const report = await anonymizeSubjectRows(storage, workspace.id, 'Ann@Example.org'.toLowerCase());
    expect(report.consentsWithdrawn).toBe(1);
    expect(report.anonymized).toMatchObject({ variables: 2, consents: 1, winners: 1, instant_win_claims: 1, files: 1, sessions: 1 });

    // The same rows, in the same tables, none of them personal or tied to the address any more.
    const annAfter = await sessionRows(sessions['ann@example.org']!);
    expect(annAfter.map((r) => r.table)).toEqual(annBefore.map((r) => r.table));
    for (const row of annAfter) expect(row).toMatchObject({ personal: false, subject: false, data: expect.objectContaining({ anonymized_at: expect.any(String) }) });
    const fileRow = await sql<{ personal: Buffer | null; attachment: Buffer | null; subject_hash: Buffer | null }>`select personal, attachment, subject_hash from store_files where workspace_id = ${workspace.id}`.execute(storage.db);
    expect(fileRow.rows).toEqual([{ personal: null, attachment: null, subject_hash: null }]);
    for (const row of await sessionRows(sessions['bob@example.org']!)) expect(row.data.anonymized_at).toBeUndefined();
    expect((await sessionRows(sessions['bob@example.org']!)).filter((r) => r.personal).length).toBeGreaterThan(0);

    // The chat session, the ledger of what the address entered, and nothing found for it.
    const left = await sql<{ id: string }>`select id from chat_sessions where workspace_id = ${workspace.id} order by started_at`.execute(storage.db);
    expect(left.rows.map((r) => r.id)).toEqual([sessions['bob@example.org']]);
    const hash = await storage.keyring.lookupHash(workspace.id, 'ann@example.org');
    expect((await sql`select 1 from store_subjects where subject_hash = ${hash}`.execute(storage.db)).rows).toEqual([]);
    expect(await findSubjectRows(storage, workspace.id, 'ann@example.org')).toEqual([]);

    // Partners hear the withdrawal of the consent (its row id, which they were given with consent.given).
    const consentId = await sql<{ id: string }>`select id from store_consents where session_id = ${sessions['ann@example.org']!}`.execute(storage.db);
    const events = await sql<{ type: string }>`select type from webhook_events where source_id = ${consentId.rows[0]!.id} order by created_at`.execute(storage.db);
    expect(events.rows.map((e) => e.type)).toContain('consent.withdrawn');

    // Still a winner, still counted: the export says the entry was anonymized and shows nothing of the person.
    expect(await exportCsv(EXPORT)).toEqual([
      ['EMAIL', 'COLOUR', 'OPTIN', 'ANONYMOUS', 'GIFT', 'IP'],
      ['', '', '0', 'true', 'a T-shirt', ''],
      ['bob@example.org', 'green', '1', 'false', 'a T-shirt', '192.0.2.7'],
    ]);
    // The projected path (entry fields only) reads the same mark; the guide's 1 or 0 with its filter.
    expect(await exportCsv({ ...EXPORT, fields: [{ field: 'form.is_anonymous', column: 'ANONYMOUS', filter: 'one_zero' }] } as unknown as ExportDefinition)).toEqual([['ANONYMOUS'], ['1'], ['0']]);

    // Asked again: nothing left to anonymize.
    const again = await anonymizeSubjectRows(storage, workspace.id, 'ann@example.org');
    expect(Object.values(again.anonymized).every((n) => n === 0)).toBe(true);
    expect(again.consentsWithdrawn).toBe(0);
  });

  it('no longer recognises the person: the same address enters again as a new participant', async () => {
    await play('ann@example.org', 'red');
    const rows = await exportCsv({ ...EXPORT, scope: undefined } as unknown as ExportDefinition);
    expect(rows.map((r) => [r[0], r[3]])).toEqual([
      ['EMAIL', 'ANONYMOUS'],
      ['', 'true'],
      ['bob@example.org', 'false'],
      ['ann@example.org', 'false'],
    ]);
  });
});
