import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../support/chromium.js';
import { startSshd } from '../../support/peers/sshd-peer.js';
import { extractWith7z } from '../../support/seven-zip.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { ConsolePage } from './console-page.js';
import { seedGiveaway, type SeededParticipant } from './giveaway-fixture.js';

let storage: TestStorage;
let server: RunningServer;
let browser: Browser;
let key: string;
let dataDir: string;
let participants: SeededParticipant[];

beforeAll(async () => {
  storage = await createTestStorage();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-export-builder-'));
  server = await startTestServer(storage, { PARLEY_DATA_DIR: dataDir });
  const workspace = await createWorkspace(storage, { name: 'Export shop', timeZone: 'Europe/Paris' });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  participants = await seedGiveaway(server, storage, workspace.id, key);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await storage?.destroy();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Signs in, opens Exports → New export, names it and picks the giveaway flow (step 1). */
async function newExport(name: string, viewport?: { width: number; height: number }): Promise<{ console: ConsolePage; page: Page }> {
  const console = await ConsolePage.open(browser, server.url, viewport);
  await console.signIn(key);
  const { page } = console;
  await console.section('Exports').click();
  await page.getByRole('button', { name: 'New export' }).click();
  await page.getByLabel('Export name').fill(name);
  await page.getByLabel('Flow (operation)').selectOption({ label: 'Spring game' });
  await page.getByRole('checkbox', { name: 'Winners only' }).waitFor();
  return { console, page };
}

function step(page: Page, label: string): Locator {
  return page.getByRole('navigation', { name: 'Export builder steps' }).getByRole('button', { name: label });
}

function zone(page: Page): Locator {
  return page.getByRole('list', { name: 'Design zone' });
}

async function zoneColumns(page: Page): Promise<string[]> {
  return zone(page).getByRole('listitem').evaluateAll((items) => items.map((item) => item.getAttribute('aria-label') ?? ''));
}

const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');

describe('export builder in the console (real Chromium, accessible names only)', () => {
  it('builds a daily "all data" export of opted-in winners to a local CSV, previews it, runs it, watches it succeed and downloads exactly the expected rows', async () => {
    const { console, page } = await newExport('Spring winners');
    await page.getByRole('checkbox', { name: 'Winners only' }).check();

    await page.getByRole('button', { name: 'Next step' }).click();
    await page.getByRole('heading', { name: 'Step 2 of 7: Select fields' }).waitFor();
    const available = page.getByRole('region', { name: 'Available data' });
    await available.getByRole('button', { name: 'Add Email', exact: true }).click();
    await available.getByRole('button', { name: 'Add Unique participant id', exact: true }).click();
    await available.getByRole('button', { name: /^Add Opt-in \(/ }).click();
    expect(await zoneColumns(page)).toEqual(['Column 1: form.email', 'Column 2: form.contest_entry_hash_id', 'Column 3: form.is_optin']);
    // The field moved: it is no longer offered in Available data.
    expect(await available.getByRole('button', { name: 'Add Email', exact: true }).count()).toBe(0);
    const firstRow = page.getByRole('region', { name: 'First row of the file' });
    await firstRow.getByRole('columnheader', { name: 'form.contest_entry_hash_id' }).waitFor();

    await zone(page).getByRole('button', { name: 'Edit form.email' }).click();
    await page.getByRole('heading', { name: 'Step 3 of 7: Edit a field' }).waitFor();
    await page.getByLabel('Column name').fill('EMAIL');
    await page.getByLabel('Filter').selectOption({ label: 'Upper case' });
    await page.getByLabel('Column to edit').selectOption({ label: '2. form.contest_entry_hash_id' });
    await page.getByLabel('Column name').fill('ENTRY');
    await page.getByLabel('Minimum size').fill('12');
    await page.getByLabel('Padding character').selectOption({ label: 'Zero (0)' });
    await page.getByLabel('Padding side').selectOption({ label: 'Prefix (before the value)' });

    await step(page, '4. Conditions').click();
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').selectOption('form.is_optin');
    await page.getByLabel('Condition 1 operator').selectOption({ label: 'equals' });
    // The opt-in levels are offered by name; nothing is chosen until the owner picks one.
    const optIn = page.getByLabel('Condition 1 value');
    expect(await optIn.locator('option').allTextContents()).toEqual(['Choose a value', 'Declined (0)', 'Opt-in (1)', 'Double opt-in confirmed (2)']);
    await optIn.selectOption({ label: 'Opt-in (1)' });

    await step(page, '5. Format and destination').click();
    expect(await page.getByLabel('File format').inputValue()).toBe('csv');
    await page.getByLabel('File name pattern').fill('{export}-{run}');
    await page.getByText('Spring winners-1.csv').waitFor();
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'Local (download from the console)' });
    await page.getByLabel('Directory', { exact: true }).fill('spring');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('status').filter({ hasText: 'Connection works' }).waitFor();

    await step(page, '7. Trigger').click();
    await page.getByRole('radio', { name: 'Daily' }).check();
    await page.getByLabel('Time', { exact: true }).fill('06:00');
    await page.getByRole('radio', { name: 'All data' }).check();
    await page.getByRole('status').filter({ hasText: /^Next run: .* 06:00 \(Europe\/Paris\)\.$/ }).waitFor();

    const expected = participants.filter((p) => p.won && p.optIn).map((p) => ({ EMAIL: p.email.toUpperCase(), ENTRY: p.participantRef.padStart(12, '0'), 'form.is_optin': '1' }));
    expect(expected.length).toBeGreaterThan(0);
    const sorted = (rows: Array<Record<string, string>>) => [...rows].sort((a, b) => a.ENTRY!.localeCompare(b.ENTRY!));

    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = console.dialog('Preview');
    const previewRows = preview.getByRole('region', { name: 'Preview rows' });
    await previewRows.getByRole('columnheader', { name: 'ENTRY' }).waitFor();
    expect(await previewRows.getByRole('row').count()).toBe(expected.length + 1);
    await console.closeDialog('Preview');

    await page.getByRole('button', { name: 'Save export' }).click();
    await console.announcement().filter({ hasText: 'Export Spring winners saved (version 1).' }).waitFor();
    await page.getByText('Run now exports every participant, each with their latest data.').waitFor();
    await page.getByRole('button', { name: 'Run now' }).click();
    await console.announcement().filter({ hasText: 'Run 1 queued: it exports every participant, each with their latest data.' }).waitFor();

    const history = page.getByRole('region', { name: 'Run history' });
    const run = history.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '1', exact: true }) });
    await run.getByText('Succeeded').waitFor({ timeout: 120_000 });
    const cells = await run.getByRole('cell').allTextContents();
    expect(cells[3]).toBe(String(expected.length));
    expect(cells[5]).toMatch(/^[0-9a-f]{64}$/);
    expect(cells[6]).toBe('Spring winners-1.csv');
    expect(cells[7]).toBe('—');

    // The run's file comes as the table downloads do: terms accepted, then an AES-256 ZIP and its password.
    const shown = await console.createDownload('run 1', run.getByRole('button', { name: 'Download the file of run 1' }));
    expect(await console.dialog('Download run 1').getByRole('link', { name: 'Download Spring winners-1.csv.zip' }).getAttribute('href')).toBe(shown.url);
    const file = await fetch(shown.url);
    expect(file.status).toBe(200);
    const opened = await extractWith7z(Buffer.from(await file.arrayBuffer()), 'Spring winners-1.csv', shown.password);
    expect(opened.code).toBe(0);
    const text = opened.text!;
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0] ?? {})).toEqual(['EMAIL', 'ENTRY', 'form.is_optin']);
    expect(sorted(rows)).toEqual(sorted(expected));
    expect((await fetch(shown.url)).status).toBe(410);
    await console.closeDialog('Download run 1');

    // The list shows it with its flow, format, destination, trigger, next run and last run; Edit opens it again.
    await page.getByRole('button', { name: 'Back to exports' }).click();
    const listed = page.getByRole('region', { name: 'Exports list' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Spring winners' }) });
    await listed.waitFor();
    const listCells = await listed.getByRole('cell').allTextContents();
    expect(listCells.slice(0, 4)).toEqual(['Spring game', 'CSV', 'Local (download from the console)', 'Daily at 06:00 (All data)']);
    expect(listCells[4]).toMatch(/^\d{4}-\d{2}-\d{2} 06:00$/);
    expect(listCells[5]).toBe('Succeeded (run 1)');
    await listed.getByRole('button', { name: 'Edit export Spring winners' }).click();
    await page.getByRole('heading', { name: 'Edit export Spring winners' }).waitFor();
    await step(page, '2. Select fields').click();
    expect(await zoneColumns(page)).toEqual(['Column 1: EMAIL', 'Column 2: ENTRY', 'Column 3: form.is_optin']);

    const saved = (await api(server.url, key, 'GET', '/api/v1/exports')).body.exports[0];
    expect(saved.definition).toMatchObject({ scope: 'winners', trigger: { type: 'daily', time: '06:00', mode: 'all' }, destination: { kind: 'local', directory: 'spring' } });
    expect(console.problems).toEqual([]);
    await console.close();
  });

  it('tests an SFTP destination with a wrong host-key fingerprint and shows that specific failure, then the right one connects', async () => {
    const sshd = await startSshd();
    try {
      const { console, page } = await newExport('Partner drop');
      await step(page, '5. Format and destination').click();
      await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'SFTP' });
      await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
      await page.getByLabel('Port', { exact: true }).fill(String(sshd.port));
      await page.getByLabel('Username', { exact: true }).fill(sshd.username);
      await page.getByLabel('Password (optional)', { exact: true }).fill(sshd.password);
      await page.getByLabel('Directory', { exact: true }).fill(sshd.dir);
      const wrong = `SHA256:${'A'.repeat(43)}`;
      expect(wrong).not.toBe(sshd.hostKeySha256);
      await page.getByLabel('Host key fingerprint', { exact: true }).fill(wrong);
      const result = page.getByRole('status').filter({ hasText: /^Connection (works|failed)/ });
      await page.getByRole('button', { name: 'Test connection' }).click();
      await expect.poll(() => result.textContent(), { timeout: 60_000 }).toBe('Connection failed: The SFTP server host key does not match the pinned fingerprint');
      // The client stopped at the key exchange: no login was ever tried.
      expect(sshd.log()).not.toMatch(/Accepted password|Failed password/);

      await page.getByLabel('Host key fingerprint', { exact: true }).fill(sshd.hostKeySha256);
      await page.getByRole('button', { name: 'Test connection' }).click();
      await expect.poll(() => result.textContent(), { timeout: 60_000 }).toMatch(/^Connection works/);
      expect(console.problems).toEqual([]);
      await console.close();
    } finally {
      await sshd.stop();
    }
  });

  it('offers a field’s known values as checkboxes for "is one of", and saves the ones ticked', async () => {
    const { console, page } = await newExport('Opted in');
    await page.getByRole('button', { name: 'Next step' }).click();
    const available = page.getByRole('region', { name: 'Available data' });
    await available.getByRole('button', { name: 'Add Email', exact: true }).click();
    await available.getByRole('button', { name: /^Add Opt-in \(/ }).click();
    await step(page, '4. Conditions').click();
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').selectOption('form.is_optin');
    await page.getByLabel('Condition 1 operator').selectOption({ label: 'is one of' });
    const levels = page.getByRole('group', { name: 'Condition 1 values' });
    expect(await levels.getByRole('checkbox').count()).toBe(3);
    await levels.getByRole('checkbox', { name: 'Double opt-in confirmed (2)' }).check();
    await levels.getByRole('checkbox', { name: 'Opt-in (1)' }).check();
    await page.getByRole('button', { name: 'Save export' }).click();
    await console.announcement().filter({ hasText: 'Export Opted in saved (version 1).' }).waitFor();
    const saved = (await api(server.url, key, 'GET', '/api/v1/exports')).body.exports.find((e: { definition: { name: string } }) => e.definition.name === 'Opted in');
    expect(saved.definition.conditions).toEqual([{ field: 'form.is_optin', operator: 'in_list', value: ['1', '2'] }]);
    expect(console.problems).toEqual([]);
    await console.close();
  });

  it('adds, reorders and removes design-zone columns with the keyboard only', async () => {
    const { console, page } = await newExport('Keyboard');
    await step(page, '2. Select fields').focus();
    await page.keyboard.press('Enter');
    const available = page.getByRole('region', { name: 'Available data' });

    await available.getByRole('button', { name: 'Add Email', exact: true }).focus();
    await page.keyboard.press('Enter');
    await console.announcement().filter({ hasText: 'Email added as column 1.' }).waitFor();
    // Focus stays in Available data, on the field that followed: Enter adds it too.
    const next = await focusedName(page);
    expect(next).toMatch(/^\+ Add /);
    await page.keyboard.press('Enter');
    await available.getByRole('button', { name: 'Add Gift title', exact: true }).focus();
    await page.keyboard.press('Enter');
    const before = await zoneColumns(page);
    expect(before).toHaveLength(3);
    expect(before[2]).toBe('Column 3: gift.title');

    await zone(page).getByRole('button', { name: 'Move gift.title up' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect(await zoneColumns(page)).toEqual(['Column 1: gift.title', before[0]!.replace('Column 1', 'Column 2'), before[1]!.replace('Column 2', 'Column 3')]);
    // At the top, focus moved to the column's "down" button, which can still act.
    expect(await focusedName(page)).toBe('Move gift.title down');
    await console.announcement().filter({ hasText: 'gift.title moved to column 1.' }).waitFor();

    await zone(page).getByRole('button', { name: 'Remove form.email' }).focus();
    await page.keyboard.press('Enter');
    const after = await zoneColumns(page);
    expect(after).toHaveLength(2);
    expect(after.some((name) => name.includes('form.email'))).toBe(false);
    expect(await focusedName(page)).toMatch(/^Remove /);
    await available.getByRole('button', { name: 'Add Email', exact: true }).waitFor();
    expect(console.problems).toEqual([]);
    await console.close();
  });

  it('stays usable at 360 px: no sideways scrolling on any step; a pasted GPG key is checked on the spot', async () => {
    const { console, page } = await newExport('Narrow', { width: 360, height: 780 });
    for (const label of ['1. Start', '2. Select fields', '3. Edit a field', '4. Conditions', '5. Format and destination', '6. GPG encryption', '7. Trigger']) {
      await step(page, label).click();
      await page.getByRole('heading', { name: new RegExp(`^Step ${label[0]} of 7`) }).waitFor();
      if (label.startsWith('2.')) await page.getByRole('region', { name: 'Available data' }).getByRole('button', { name: 'Add Email', exact: true }).click();
      if (label.startsWith('6.')) {
        // The key is checked on the spot, with the specific reason.
        const key = page.getByLabel('GPG public key (optional)');
        await key.fill('not a key');
        await expect.poll(() => key.getAttribute('aria-invalid')).toBe('true');
        await page.getByText('The GPG key is not an ASCII-armored OpenPGP public key block').waitFor();
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth), label).toBeLessThanOrEqual(360);
    }
    expect(console.problems).toEqual([]);
    await console.close();
  });
  it('builds an export of a table limited to one flow, in English with a manifest, and editing it again keeps all of that', async () => {
    const console = await ConsolePage.open(browser, server.url);
    await console.signIn(key);
    const { page } = console;
    await console.section('Exports').click();
    await page.getByRole('button', { name: 'New export' }).click();
    await page.getByLabel('Export name').fill('Consent log');
    await page.getByLabel('What it reads').selectOption({ label: 'Table: Consents' });
    await page.getByLabel('Rows of').selectOption({ label: 'Spring game' });
    // Participants only and winners only are for a flow's entries.
    expect(await page.getByRole('group', { name: 'Which rows' }).isHidden()).toBe(true);

    await step(page, '2. Select fields').click();
    const available = page.getByRole('region', { name: 'Available data' });
    await available.getByRole('button', { name: 'Add Participant id', exact: true }).click();
    await available.getByRole('button', { name: 'Add Step', exact: true }).click();

    await step(page, '5. Format and destination').click();
    expect(await page.getByLabel('Language of filtered values').inputValue()).toBe('fr');
    await page.getByLabel('Language of filtered values').selectOption({ label: 'English (Mr, Germany)' });
    await page.getByRole('checkbox', { name: 'Deliver a manifest beside the file' }).check();
    await page.getByLabel('File name pattern').fill('{export}-{run}');
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'Local (download from the console)' });
    await page.getByLabel('Directory', { exact: true }).fill('consents');
    await step(page, '7. Trigger').click();
    // The daily trigger's three contents are about a flow's participants: not offered for a table.
    await page.getByRole('radio', { name: 'Weekly' }).waitFor();
    expect(await page.getByRole('radio', { name: 'Daily' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Save export' }).click();
    await console.announcement().filter({ hasText: 'Export Consent log saved (version 1).' }).waitFor();
    await page.getByRole('button', { name: 'Run now' }).click();
    const run = page.getByRole('region', { name: 'Run history' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: '1', exact: true }) });
    await run.getByText('Succeeded').waitFor({ timeout: 120_000 });

    const consents = (await api(server.url, key, 'GET', '/api/v1/tables/consents/rows?limit=100')).body.rows as Array<{ participantRef: string }>;
    expect(consents.length).toBeGreaterThan(0);
    const file = await readFile(path.join(dataDir, 'exports', 'consents', 'Consent log-1.csv'), 'utf8');
    const rows = parse(file, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r['row.participant_ref']).sort()).toEqual(consents.map((c) => c.participantRef).sort());
    expect(new Set(rows.map((r) => r['row.step']))).toEqual(new Set(['optin']));
    const manifest = JSON.parse(await readFile(path.join(dataDir, 'exports', 'consents', 'Consent log-1.csv.manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ file: 'Consent log-1.csv', rows: rows.length, run: 1 });

    // Back in the list and in the builder, everything the owner chose is still there; saving again keeps it.
    await page.getByRole('button', { name: 'Back to exports' }).click();
    const listed = page.getByRole('region', { name: 'Exports list' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Consent log' }) });
    await expect.poll(async () => (await listed.getByRole('cell').allTextContents())[0]).toBe('Table: Consents (Spring game)'); // once rendered
    await listed.getByRole('button', { name: 'Edit export Consent log' }).click();
    await page.getByRole('heading', { name: 'Edit export Consent log' }).waitFor();
    expect(await page.getByLabel('What it reads').inputValue()).toBe('consents');
    expect(await page.getByLabel('Rows of').inputValue()).toBe('spring');
    await page.getByLabel('Export name').fill('Consent log (spring)');
    await step(page, '5. Format and destination').click();
    expect(await page.getByLabel('Language of filtered values').inputValue()).toBe('en');
    expect(await page.getByRole('checkbox', { name: 'Deliver a manifest beside the file' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Save export' }).click();
    await console.announcement().filter({ hasText: 'Export Consent log (spring) saved (version 2).' }).waitFor();
    const saved = (await api(server.url, key, 'GET', '/api/v1/exports')).body.exports.find((e: { definition: { name: string } }) => e.definition.name === 'Consent log (spring)');
    expect(saved.definition).toMatchObject({ source: { table: 'consents', flow: 'spring' }, locale: 'en', manifest: true, fields: [{ field: 'row.participant_ref' }, { field: 'row.step' }] });
    expect(saved.definition.scope).toBeUndefined();
    expect(console.problems).toEqual([]);
    await console.close();
  });
});
