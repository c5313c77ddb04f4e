import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { api } from '../../support/test-server.js';
import { createGpgHome } from '../../support/peers/gpg-cli.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { recordAudit } from '../../../storage/audit-repository.js';
import { NOW, SAMPLE_FILE, key, server, signedIn, storage, useConsoleFixture, workspace } from './console-fixture.js';
import type { ConsolePage } from './console-page.js';
import { writeAt } from './seed-rows.js';

useConsoleFixture();

const codesFlow = (name: string) => ({
  name,
  steps: [
    { id: 'hello', module: 'message', config: { text: 'Hello' }, next: 'gift' },
    { id: 'gift', module: 'codes', config: { mode: 'distribute', text: 'Your code: {{code}}' } },
  ],
});

/** The cells of a pool's row in the Codes table (step, codes, used, left), found by its flow name and step. */
async function poolCounts(console: ConsolePage, flowName: string, step: string): Promise<string[]> {
  const row = console.page.getByRole('region', { name: 'Code pools' }).getByRole('row').filter({ has: console.page.getByRole('rowheader', { name: new RegExp(flowName) }) }).filter({ hasText: step });
  return row.getByRole('cell').allTextContents();
}

/** A CSV file as the file chooser would give it. */
function csvFile(name: string, text: string) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text) };
}

async function openCodes(console: ConsolePage): Promise<Locator> {
  await console.section('Codes').click();
  const form = console.page.getByRole('form', { name: 'Upload codes' });
  await form.waitFor();
  return form;
}

describe('console pages: Codes, Audit and Data subjects (real Chromium, accessible names only)', () => {
  it('uploads a CSV of codes into a chosen pool, with progress and a result, and the counts change; a bad file lists its lines', async () => {
    await saveTestFlow(storage, workspace, 'welcome-gift', codesFlow('Welcome gift'));
    const console = await signedIn();
    const form = await openCodes(console);
    expect(await poolCounts(console, 'Welcome gift', 'gift')).toEqual(['gift', '0', '0', '0']);

    await form.getByRole('combobox', { name: 'Code pool' }).selectOption({ label: 'Welcome gift · gift' });
    const codes = Array.from({ length: 5_000 }, (_, i) => `GIFT-${String(i).padStart(5, '0')}`);
    await form.getByLabel('CSV file').setInputFiles(csvFile('gifts.csv', `code\n${codes.join('\n')}\nGIFT-00001\n`));
    await form.getByRole('checkbox', { name: 'The first line is a column header' }).check();
    await form.getByRole('button', { name: 'Upload codes' }).click();
    await console.page.getByRole('status').getByText('5,000 codes added to Welcome gift · gift, 1 duplicate skipped.').waitFor();
    expect(await form.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value')).toBe('100');
    await expect.poll(() => poolCounts(console, 'Welcome gift', 'gift')).toEqual(['gift', '5,000', '0', '5,000']);
    expect((await api(server.url, key, 'GET', '/api/v1/flows/welcome-gift/steps/gift/codes')).body).toEqual({ total: 5_000, assigned: 0, available: 5_000 });

    // A file with bad lines is refused whole: the lines to fix are listed, never their content.
    await form.getByLabel('CSV file').setInputFiles(csvFile('bad.csv', 'NEW-1\n\u0007SECRET\nNEW-2\n,SECRET-TOO\n'));
    await form.getByRole('checkbox', { name: 'The first line is a column header' }).uncheck();
    await form.getByRole('button', { name: 'Upload codes' }).click();
    const alert = console.page.getByRole('alert').filter({ hasText: 'Line 2' });
    await alert.waitFor();
    expect(await alert.getByRole('list', { name: 'Lines to fix' }).getByRole('listitem').allTextContents()).toEqual([
      'Line 2: The code holds a character codes cannot have (control characters, line breaks or tabs)',
      'Line 4: The first column is empty',
    ]);
    expect(await console.page.getByText('SECRET').count()).toBe(0);
    expect(await poolCounts(console, 'Welcome gift', 'gift')).toEqual(['gift', '5,000', '0', '5,000']);
    await console.page.screenshot({ path: '/tmp/parley-admin-codes.png', fullPage: true });

    // Without a file, the field says so.
    await form.getByLabel('CSV file').setInputFiles([]);
    await form.getByRole('button', { name: 'Upload codes' }).press('Enter');
    await form.getByText('Choose a CSV file of codes.').waitFor();
  });

  it('makes the workspace a GPG key in Settings, and a code list encrypted to it with real gpg uploads through Codes', async () => {
    await saveTestFlow(storage, workspace, 'sealed-gift', codesFlow('Sealed gift'));
    const console = await signedIn();
    await console.section('Settings').click();
    const incoming = console.page.getByRole('region', { name: 'Incoming files' });
    await incoming.getByText('No key yet: an encrypted upload is refused until there is one.').waitFor();
    await incoming.getByRole('button', { name: 'Create key' }).click();
    await console.page.getByText('GPG key created.').waitFor();
    const publicKey = await incoming.getByRole('textbox', { name: 'Public key' }).inputValue();
    const saved = (await api(server.url, key, 'GET', '/api/v1/workspace/gpg-key')).body;
    expect(publicKey).toBe(saved.publicKey);
    expect(await incoming.getByText(saved.fingerprint.replace(/(.{4})(?=.)/g, '$1 ')).count()).toBe(1);
    await incoming.getByRole('button', { name: 'Copy public key' }).click();
    await incoming.getByText('Public key copied.').waitFor();
    expect(await console.page.evaluate(() => navigator.clipboard.readText())).toBe(publicKey);

    const partner = await createGpgHome();
    try {
      await partner.run(['--import'], publicKey);
      const sealed = await partner.run(['--trust-model', 'always', '--encrypt', '--recipient', saved.fingerprint], 'SEALED-1\nSEALED-2\nSEALED-3\n');
      const form = await openCodes(console);
      await form.getByRole('combobox', { name: 'Code pool' }).selectOption({ label: 'Sealed gift · gift' });
      await form.getByLabel('CSV file').setInputFiles({ name: 'codes.csv.gpg', mimeType: 'application/octet-stream', buffer: sealed });
      await form.getByRole('button', { name: 'Upload codes' }).click();
      await console.page.getByRole('status').getByText('3 codes added to Sealed gift · gift, 0 duplicates skipped.').waitFor();
      await expect.poll(() => poolCounts(console, 'Sealed gift', 'gift')).toEqual(['gift', '3', '0', '3']);
    } finally {
      await partner.remove();
    }
  });

  it('finds a file sent by the person asking, and downloads it for them', async () => {
    const console = await signedIn();
    const { page } = console;
    await console.lookUpSubject('dee@example.org');
    await page.getByText('1 row in 1 table').waitFor();
    const found = page.getByRole('region', { name: 'Files rows about this address' });
    const created = (await found.locator('time').first().textContent())!;
    const [download] = await Promise.all([page.waitForEvent('download'), found.getByRole('button', { name: `Download the file of the row created ${created}` }).click()]);
    expect((await readFile((await download.path())!)).equals(SAMPLE_FILE)).toBe(true);
    // Looking up offers no deletion row by row: erasure is for the whole address.
    expect(await found.getByRole('button', { name: /Delete row/ }).count()).toBe(0);
  });

  it('finds everything about one email, erases it after confirmation, shows the counts; the Data tab and the Audit page never show the email again', async () => {
    const console = await signedIn();
    const { page } = console;
    const search = await console.lookUpSubject('Ada@Example.org');
    await page.getByRole('heading', { name: 'What is stored about this address' }).waitFor();
    await page.getByText('1 row in 1 table').waitFor();
    const found = page.getByRole('region', { name: 'Giveaway participations rows about this address' });
    expect(await found.getByText('ada@example.org').count()).toBe(1);

    // Cancel first: nothing is erased.
    await page.getByRole('button', { name: 'Erase everything about this address' }).click();
    const confirm = console.dialog('Erase everything about this address?');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email: 'ada@example.org' })).body.rows).toHaveLength(1);

    await page.getByRole('button', { name: 'Erase everything about this address' }).click();
    await confirm.getByRole('button', { name: 'Erase everything' }).click();
    await page.getByRole('heading', { name: 'Erased' }).waitFor();
    expect(await page.getByRole('list', { name: 'Erased per table' }).getByRole('listitem').allTextContents()).toEqual(['Giveaway participations: 1 row']);
    await page.getByRole('status').getByText('Erased 1 row about the address.').waitFor();
    expect(await search.getByRole('textbox', { name: 'Email address' }).inputValue()).toBe('');

    await console.section('Data').click();
    const rows = await console.openTable('Giveaway participations');
    await rows.getByText('bob@example.org').waitFor();
    expect(await rows.getByText('ada@example.org').count()).toBe(0);

    await console.section('Audit').click();
    const filters = page.getByRole('search', { name: 'Audit filters' });
    await filters.getByRole('combobox', { name: 'Action' }).selectOption({ label: 'Data subject erased' });
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    const entries = page.getByRole('region', { name: 'Audit entries' });
    const erased = entries.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Data subject erased' }) });
    await erased.waitFor();
    expect(await erased.count()).toBe(1);
    expect(await erased.getByRole('cell').allTextContents()).toEqual([expect.any(String), 'API key “default”', expect.stringMatching(/^A data subject \(ref\. [0-9a-f]{8}\)$/), 'Giveaway participations 1']);
    expect(await page.content()).not.toMatch(/ada@example\.org/i);
    await page.screenshot({ path: '/tmp/parley-admin-audit.png', fullPage: true });
    const lookedUp = (await api(server.url, key, 'GET', '/api/v1/audit?action=subject.accessed')).body.entries;
    // The word, not the letters: a random key id's hex digits may hold "ada" (CI once drew …e5adaddbdd03).
    expect(JSON.stringify(lookedUp)).not.toMatch(/\bada\b/i);
  });

  it('pages the audit log with Previous and Next and filters it by action and days in the workspace zone', async () => {
    for (let i = 0; i < 30; i += 1) {
      await recordAudit(storage.db, { workspaceId: workspace.id, keyId: null, action: 'download.redeemed', target: 'winners', at: new Date(NOW.getTime() - (i + 1) * 60_000) });
    }
    const console = await signedIn();
    const { page } = console;
    await console.section('Audit').click();
    const filters = page.getByRole('search', { name: 'Audit filters' });
    await filters.getByRole('combobox', { name: 'Action' }).selectOption({ label: 'Download link used' });
    await filters.getByLabel('From').fill('2025-06-02');
    await filters.getByLabel('To', { exact: true }).fill('2025-06-02');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    const entries = page.getByRole('region', { name: 'Audit entries' });
    const body = entries.locator('tbody tr');
    const pages = page.getByRole('navigation', { name: 'Audit pages' });
    // The filtered page replaces the unfiltered one: every row is of the chosen action.
    await expect.poll(() => entries.getByRole('rowheader', { name: 'Download link used' }).count()).toBe(25);
    expect(await body.count()).toBe(25);
    expect(await body.first().getByRole('cell').allTextContents()).toEqual(['2025-06-02 09:59', 'A download link', 'winners', '—']);

    await pages.getByRole('button', { name: 'Next' }).click();
    await pages.getByText('Page 2').waitFor();
    await expect.poll(() => body.count()).toBe(5);
    expect(await pages.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await pages.getByRole('button', { name: 'Previous' }).click();
    await pages.getByText('Page 1').waitFor();
    await expect.poll(() => body.count()).toBe(25);

    await filters.getByLabel('From').fill('2025-06-03');
    await filters.getByLabel('To', { exact: true }).fill('2025-06-04');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No audit entries match these filters.').waitFor();

    await filters.getByLabel('To', { exact: true }).fill('2025-06-01');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await filters.getByText('To must be the same day as From or later.').waitFor();
  });

  it('works by keyboard and fits 360 px: sections reached with the arrow keys, no sideways scrolling', async () => {
    await saveTestFlow(storage, workspace, 'narrow', codesFlow('Narrow gift'));
    const console = await signedIn({ width: 360, height: 740 });
    const { page } = console;
    const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    await console.section('Webhooks').focus();
    await page.keyboard.press('ArrowRight');
    expect(await console.section('Codes').getAttribute('aria-selected')).toBe('true');
    await page.getByRole('form', { name: 'Upload codes' }).waitFor();
    expect(await pageWidth()).toBeLessThanOrEqual(360);
    await page.screenshot({ path: '/tmp/parley-admin-360-codes.png', fullPage: true });
    await page.keyboard.press('ArrowRight');
    await page.getByRole('search', { name: 'Audit filters' }).waitFor();
    await page.getByRole('region', { name: 'Audit entries' }).locator('table, .empty').first().waitFor();
    expect(await pageWidth()).toBeLessThanOrEqual(360);
    await page.screenshot({ path: '/tmp/parley-admin-360-audit.png', fullPage: true });
    await page.keyboard.press('ArrowRight');
    expect(await console.section('Data subjects').evaluate((tab) => tab === document.activeElement)).toBe(true);

    // Keyboard only: Tab into the form, type, Enter.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.getByRole('textbox', { name: 'Email address' }).evaluate((input) => input === document.activeElement)).toBe(true);
    await page.keyboard.type('cy@example.org');
    await page.keyboard.press('Enter');
    await page.getByText('1 row in 1 table').waitFor();
    expect(await page.getByRole('heading', { name: 'What is stored about this address' }).evaluate((h) => h === document.activeElement)).toBe(true);
    expect(await pageWidth()).toBeLessThanOrEqual(360);
    await page.screenshot({ path: '/tmp/parley-admin-360-subjects.png', fullPage: true });
  });

  it('withdraws the consents one email gave after confirmation: the rows read withdrawn, the button goes, and the audit says so', async () => {
    await writeAt(storage, workspace.id, new Date(NOW.getTime() - 3 * 60_000), {
      table: 'consents', moduleId: 'consent', stepId: 'optin', data: { is_optin: 2, step_id: 'optin' }, personal: { email: 'fay@example.org' }, subject: 'fay@example.org',
    });
    storage.clock.set(NOW);
    const console = await signedIn();
    const { page } = console;
    await console.lookUpSubject('fay@example.org');
    await page.getByText('1 row in 1 table').waitFor();
    await page.getByRole('button', { name: 'Withdraw consents' }).click();
    const confirm = console.dialog('Withdraw this address’s consents?');
    await confirm.getByText('1 consent given with this address will read as withdrawn from now on').waitFor();
    await confirm.getByRole('button', { name: 'Withdraw consents' }).click();
    await console.announcement().filter({ hasText: 'Withdrew 1 consent given with the address.' }).waitFor();
    expect(await page.getByRole('button', { name: 'Withdraw consents' }).count()).toBe(0);
    const found = page.getByRole('region', { name: 'Consents rows about this address' });
    await found.getByText('withdrawn_at').first().waitFor();
    const [row] = (await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email: 'fay@example.org' })).body.rows;
    expect(row.data).toMatchObject({ is_optin: 0, withdrawn_level: 2, withdrawn_at: NOW.toISOString() });
    const audit = await api(server.url, key, 'GET', '/api/v1/audit?action=subject.consents_withdrawn');
    expect(audit.body.entries).toHaveLength(1);
  });

  it('anonymizes an address after confirmation: its rows stay without it, its consent is withdrawn, and the audit counts both', async () => {
    const eve = { personal: { email: 'eve@example.org' }, subject: 'eve@example.org' };
    await writeAt(storage, workspace.id, new Date(NOW.getTime() - 3 * 60_000), { table: 'participations', moduleId: 'giveaway', data: { giveaway: 'draw' }, ...eve });
    await writeAt(storage, workspace.id, new Date(NOW.getTime() - 2 * 60_000), { table: 'consents', moduleId: 'consent', stepId: 'optin', data: { is_optin: 1 }, ...eve });
    await writeAt(storage, workspace.id, new Date(NOW.getTime() - 60_000), {
      table: 'files', moduleId: 'file-upload', data: { variable: 'receipt', type: 'image/png', bytes: SAMPLE_FILE.length }, attachment: SAMPLE_FILE, ...eve, personal: { receipt: 'eve.png' },
    });
    storage.clock.set(NOW);
    const console = await signedIn();
    const { page } = console;
    const fileButtons = async () => {
      await console.section('Data').click();
      await console.openTable('Files');
      const rows = console.bodyRows('Files');
      await expect.poll(() => rows.count()).toBe(2);
      return rows.getByRole('button', { name: /^Download the file of the row/ }).count();
    };
    expect(await fileButtons()).toBe(2);
    const search = await console.lookUpSubject('eve@example.org');
    await page.getByText('3 rows in 3 tables').waitFor();
    await page.getByRole('button', { name: 'Anonymize this address' }).click();
    const confirm = console.dialog('Anonymize this address?');
    await confirm.getByText('Their entries stay, counted in exports as anonymized').waitFor();
    await confirm.getByRole('button', { name: 'Anonymize', exact: true }).click();
    await page.getByRole('heading', { name: 'Anonymized' }).waitFor();
    await page.getByText('Nothing stored identifies the address any more: 3 rows anonymized. 1 consent was withdrawn.').waitFor();
    expect(await page.getByRole('list', { name: 'Anonymized per table' }).getByRole('listitem').allTextContents()).toEqual(['Giveaway participations: 1 row', 'Consents: 1 row', 'Files: 1 row']);
    await console.announcement().filter({ hasText: 'Anonymized 3 rows about the address.' }).waitFor();
    expect(await search.getByRole('textbox', { name: 'Email address' }).inputValue()).toBe('');
    expect((await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email: 'eve@example.org' })).body.rows).toEqual([]);
    // Her file row stays, without its file: no download is offered for it; the other file's is.
    expect(await fileButtons()).toBe(1);

    await console.section('Audit').click();
    const filters = page.getByRole('search', { name: 'Audit filters' });
    await filters.getByRole('combobox', { name: 'Action' }).selectOption({ label: 'Data subject anonymized' });
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.getByRole('region', { name: 'Audit entries' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Data subject anonymized' }) });
    await row.waitFor();
    expect((await row.getByRole('cell').allTextContents()).slice(2)).toEqual([expect.stringMatching(/^A data subject \(ref\. [0-9a-f]{8}\)$/), expect.stringMatching(/^(?=.*Giveaway participations 1)(?=.*Consents 1)(?=.*Files 1)(?=.*Consents withdrawn 1)/)]);
    expect(await page.content()).not.toMatch(/eve@example\.org/i);
  });

  it('gives the address of the page where people withdraw their consents themselves, once the workspace sends mail', async () => {
    const card = (console: ConsolePage) => console.page.getByRole('region', { name: 'Withdrawal by the person' });
    let console = await signedIn();
    await console.section('Data subjects').click();
    await card(console).getByText('Set up mail in Settings').waitFor();
    expect((await api(server.url, key, 'PATCH', '/api/v1/workspace', { mail: { host: '127.0.0.1', port: 2525, security: 'none', from: 'news@brand.example' } })).status).toBe(200);
    console = await signedIn();
    await console.section('Data subjects').click();
    const address = await card(console).getByRole('textbox', { name: 'Withdrawal page' }).inputValue();
    expect(address).toBe(`${server.url}/consents/request-withdrawal/${workspace.id}`);
    await console.page.goto(address);
    await console.page.getByRole('heading', { name: 'Withdraw your consent' }).waitFor();
    await console.page.getByRole('textbox', { name: 'Your email address' }).waitFor();
  });
});
