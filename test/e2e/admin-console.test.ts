import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { launchChromium } from '../support/chromium.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { api, startTestServer } from '../support/test-server.js';
import { extractWith7z } from '../support/seven-zip.js';
import { saveTestFlow } from '../support/flow-harness.js';
import type { RunningServer } from '../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../storage/workspace-repository.js';
import { issueApiKey, revokeApiKey } from '../../storage/api-key-repository.js';
import { formatInstant, formatWindow } from '../../widget/admin/time-format.js';
import { ConsolePage } from './admin/console-page.js';
import { participation, writeAt } from './admin/seed-rows.js';

const NOW = new Date('2025-06-02T08:00:00.000Z');
const DAY = 86_400_000;
const ZONE = 'Europe/Paris';

let storage: TestStorage;
let server: RunningServer;
let browser: Browser;
let workspace: Workspace;
let key: string;
let open: ConsolePage | undefined;

async function openConsole(viewport?: { width: number; height: number }): Promise<ConsolePage> {
  open = await ConsolePage.open(browser, server.url, viewport);
  return open;
}

async function signedIn(viewport?: { width: number; height: number }): Promise<ConsolePage> {
  const console = await openConsole(viewport);
  await console.signIn(key);
  return console;
}

async function fetchCsv(url: string, password: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const zip = Buffer.from(await response.arrayBuffer());
  const opened = await extractWith7z(zip, 'participations.csv', password);
  return { zip, opened, rows: opened.text ? (parse(opened.text, { columns: true }) as Array<Record<string, string>>) : [] };
}

beforeAll(async () => {
  storage = await createTestStorage({ start: NOW });
  server = await startTestServer(storage);
  browser = await launchChromium();
  workspace = await createWorkspace(storage, { name: 'Spring shop', timeZone: ZONE, retention: { modules: { 'instant-win': { instant_win_claims: 20 } } } });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  // Two participations 20 days old, then three from the last hour (newest first in the console).
  await participation(storage, workspace.id, NOW, 20 * 24 * 60, 'old.one@example.org', 1);
  await participation(storage, workspace.id, NOW, 20 * 24 * 60 - 1, 'old.two@example.org', 2);
  await participation(storage, workspace.id, NOW, 30, 'ada@example.org', 3);
  await participation(storage, workspace.id, NOW, 20, 'bob@example.org', 4);
  await participation(storage, workspace.id, NOW, 10, 'cy@example.org', 5);
  for (let i = 0; i < 12; i += 1) {
    await writeAt(storage, workspace.id, new Date(NOW.getTime() - (100 - i) * 60_000), { table: 'winners', moduleId: 'giveaway', data: { rank: i + 1 } });
  }
  for (let i = 0; i < 3; i += 1) {
    await writeAt(storage, workspace.id, new Date(NOW.getTime() - (50 - i) * 60_000), { table: 'consents', moduleId: 'consent', data: { accepted: true }, personal: { email: `c${i}@example.org` } });
  }
  await writeAt(storage, workspace.id, new Date(NOW.getTime() - 5 * 60_000), {
    table: 'variables',
    moduleId: 'text-question',
    data: { answer: '<img src=x onerror="window.__pwned=1"><b>bold</b>' },
  });
  storage.clock.set(NOW);
});

afterEach(async () => {
  const problems = open?.problems ?? [];
  await open?.close();
  open = undefined;
  expect(problems).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await storage?.destroy();
});

describe('admin console', () => {
  it('is served under a strict CSP with no inline script, refuses a bad key, keeps the key in sessionStorage only and signs out', async () => {
    const page = await fetch(`${server.url}/admin`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    const html = await page.text();
    expect(html).toMatch(/<script src="\/admin\.js" defer><\/script>/);
    expect(html.match(/<script/g)).toHaveLength(1);
    const script = await fetch(`${server.url}/admin.js`);
    expect(script.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(await script.text()).toMatch(/^"use strict";\(\(\)=>\{/);

    const console = await openConsole();
    const keyField = console.page.getByLabel('API key');
    expect(await keyField.getAttribute('type')).toBe('password');
    await keyField.fill('pk_not-a-real-key');
    await console.page.getByRole('button', { name: 'Sign in' }).click();
    await console.page.getByText('This API key was not accepted. Check it and try again.').waitFor();
    expect(await keyField.getAttribute('aria-invalid')).toBe('true');
    expect(await console.page.evaluate(() => sessionStorage.length)).toBe(0);

    await console.signIn(key);
    await console.page.getByText('Spring shop').waitFor();
    const stored = await console.page.evaluate(() => ({ session: Object.values(sessionStorage), local: localStorage.length, cookies: document.cookie }));
    expect(stored).toEqual({ session: [key], local: 0, cookies: '' });

    await console.page.reload();
    await console.section('Data').waitFor();

    await console.page.getByRole('button', { name: 'Sign out' }).click();
    await console.page.getByText('You are signed out.').waitFor();
    expect(await console.page.evaluate(() => sessionStorage.length)).toBe(0);
    await console.page.reload();
    await console.page.getByLabel('API key').waitFor();
  });

  it('sends the owner back to sign-in when the key is revoked while signed in', async () => {
    const spare = await issueApiKey(storage.db, workspace.id, 'spare');
    const console = await openConsole();
    await console.signIn(spare.key);
    await console.rows('Giveaway participations').locator('table').waitFor();
    expect(await revokeApiKey(storage.db, workspace.id, spare.id)).toBe(true);
    await console.section('Flows').click();
    await console.page.getByText('Your API key is no longer accepted. Sign in again.').waitFor();
    expect(await console.page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('shows one tab per table with its count, and each participation with its email, module/step and expiry', async () => {
    const console = await signedIn();
    const tables = await api(server.url, key, 'GET', '/api/v1/tables');
    const labels = ['Giveaway participations', 'Winners', 'Consents', 'Instant win claims', 'Codes', 'Variables', 'Files', 'Runtime log'];
    const tabs = console.page.getByRole('tablist', { name: 'Tables' }).getByRole('tab');
    expect(await tabs.allTextContents()).toEqual(labels.map((label, i) => {
      const name = ['participations', 'winners', 'consents', 'instant_win_claims', 'codes', 'variables', 'files', 'runtime_log'][i];
      const rows = tables.body.tables.find((t: { name: string }) => t.name === name).rows;
      return `${label} ${rows} ${rows === 1 ? 'row' : 'rows'}`;
    }));
    expect(await console.tabCount('Giveaway participations')).toBe(5);
    expect(await console.tableTab('Giveaway participations').getAttribute('aria-selected')).toBe('true');

    const region = await console.openTable('Giveaway participations');
    const listed = (await api(server.url, key, 'GET', '/api/v1/tables/participations/rows')).body.rows as Array<{ id: string; createdAt: string; expiresAt: string; personal: { email: string } }>;
    const ada = listed.find((r) => r.personal.email === 'ada@example.org')!;
    const row = region.locator(`tr[data-row-id="${ada.id}"]`);
    await expect(row.getByText('ada@example.org', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(row.getByText('giveaway', { exact: true }).isVisible()).resolves.toBe(true);
    expect(await row.locator('td').nth(2).textContent()).toBe('giveaway / enter');
    const times = row.locator('time');
    expect(await times.nth(0).getAttribute('datetime')).toBe(ada.createdAt);
    expect(await times.nth(1).getAttribute('datetime')).toBe(ada.expiresAt);
    expect(new Date(ada.expiresAt).getTime() - new Date(ada.createdAt).getTime()).toBe(60 * DAY);
    expect(await times.nth(1).textContent()).toBe(formatInstant(ada.expiresAt, ZONE));
    expect(await region.locator('thead th').allTextContents()).toEqual(['Created', 'Expires', 'Module / step', 'Data', 'Personal', 'Actions']);
    expect(await console.bodyRows('Giveaway participations').locator('td:nth-child(5) dd').allTextContents()).toEqual([
      'cy@example.org', 'bob@example.org', 'ada@example.org', 'old.two@example.org', 'old.one@example.org',
    ]);

    // Arrow keys move between table tabs (roving tabindex) and select them.
    await console.tableTab('Giveaway participations').focus();
    await console.page.keyboard.press('ArrowRight');
    expect(await console.page.evaluate(() => document.activeElement?.textContent)).toBe('Winners 12 rows');
    expect(await console.tableTab('Winners').getAttribute('aria-selected')).toBe('true');
    expect(await console.tableTab('Giveaway participations').getAttribute('tabindex')).toBe('-1');
    await console.page.keyboard.press('End');
    expect(await console.tableTab('Runtime log').getAttribute('aria-selected')).toBe('true');

    // Stored markup stays text.
    const variables = await console.openTable('Variables');
    await variables.getByText('<img src=x onerror="window.__pwned=1"><b>bold</b>', { exact: true }).waitFor();
    expect(await variables.locator('img, b').count()).toBe(0);
    expect(await console.page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('pages through a table with Next and Previous on the keyset cursor', async () => {
    const console = await signedIn();
    await console.openTable('Winners');
    const panel = console.page.getByRole('tabpanel', { name: /^Winners/ });
    await panel.getByLabel('Rows per page').selectOption('10');
    const ranks = () => console.bodyRows('Winners').locator('td:nth-child(4) dd').allTextContents();
    const previous = console.page.getByRole('button', { name: 'Previous' });
    const next = console.page.getByRole('button', { name: 'Next' });
    await panel.getByText('Page 1', { exact: true }).waitFor();
    await expect.poll(ranks).toEqual(['12', '11', '10', '9', '8', '7', '6', '5', '4', '3']);
    expect(await previous.isDisabled()).toBe(true);
    await next.click();
    await panel.getByText('Page 2', { exact: true }).waitFor();
    expect(await ranks()).toEqual(['2', '1']);
    expect(await next.isDisabled()).toBe(true);
    await previous.click();
    await panel.getByText('Page 1', { exact: true }).waitFor();
    expect(await ranks()).toEqual(['12', '11', '10', '9', '8', '7', '6', '5', '4', '3']);
  });

  it('downloads after accepting responsibility: 7-Zip opens the ZIP with the password shown once and refuses a wrong one', async () => {
    const console = await signedIn();
    await console.openTable('Giveaway participations');
    const shown = await console.createDownload('Giveaway participations');
    const dialog = console.dialog('Download Giveaway participations');
    expect(await dialog.locator('time').textContent()).toBe(formatInstant(shown.expiresAt, ZONE));
    expect(new Date(shown.expiresAt).getTime()).toBe(NOW.getTime() + 15 * 60_000);

    await dialog.getByRole('button', { name: 'Copy password' }).click();
    await dialog.getByText('Password copied.').waitFor();
    expect(await console.page.evaluate(() => navigator.clipboard.readText())).toBe(shown.password);

    await console.closeDialog('Download Giveaway participations');
    expect(await console.page.content()).not.toContain(shown.password);
    expect(await console.page.evaluate(() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage))).not.toContain(shown.password);

    const { zip, opened, rows } = await fetchCsv(shown.url, shown.password);
    expect(opened.code).toBe(0);
    expect(opened.listing).toContain('AES-256');
    expect(rows.map((r) => JSON.parse(r.personal!).email)).toContain('ada@example.org');
    expect((await extractWith7z(zip, 'participations.csv', `${shown.password}x`)).code).toBe(2);
  });

  it('copies the password with the copy command when the Clipboard API refuses', async () => {
    const console = await signedIn();
    await console.openTable('Codes');
    await console.page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('Denied', 'NotAllowedError'));
    });
    const shown = await console.createDownload('Codes');
    const dialog = console.dialog('Download Codes');
    await dialog.getByRole('button', { name: 'Copy password' }).click();
    await dialog.getByText('Password copied.').waitFor();
    expect(await console.page.evaluate(() => navigator.clipboard.readText())).toBe(shown.password);
    await console.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('deletes one row behind a confirmation dialog: gone from the view, the API and a new download', async () => {
    const console = await signedIn();
    const region = await console.openTable('Giveaway participations');
    const bob = region.locator('tr').filter({ hasText: 'bob@example.org' });
    const bobId = (await bob.getAttribute('data-row-id'))!;
    const created = (await bob.locator('time').first().textContent())!;

    await bob.getByRole('button', { name: `Delete row created ${created}` }).click();
    const confirm = console.dialog('Delete this row?');
    await confirm.waitFor();
    expect(await confirm.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === document.activeElement)).toBe(true);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await bob.count()).toBe(1);

    await bob.getByRole('button', { name: `Delete row created ${created}` }).click();
    await confirm.getByRole('button', { name: 'Delete row' }).click();
    await console.page.getByText('Row deleted.').waitFor();
    await region.locator(`tr[data-row-id="${bobId}"]`).waitFor({ state: 'detached' });
    expect(await region.getByText('bob@example.org').count()).toBe(0);
    await expect.poll(() => console.tabCount('Giveaway participations')).toBe(4);

    const listed = await api(server.url, key, 'GET', '/api/v1/tables/participations/rows');
    expect(listed.body.rows.map((r: { id: string }) => r.id)).not.toContain(bobId);
    expect(listed.body.rows).toHaveLength(4);

    const shown = await console.createDownload('Giveaway participations');
    await console.closeDialog('Download Giveaway participations');
    const emails = (await fetchCsv(shown.url, shown.password)).rows.map((r) => JSON.parse(r.personal!).email);
    expect(emails.sort()).toEqual(['ada@example.org', 'cy@example.org', 'old.one@example.org', 'old.two@example.org']);
  });

  it('deletes every row of a table only after its name is typed', async () => {
    const console = await signedIn();
    await console.openTable('Consents');
    expect(await console.bodyRows('Consents').count()).toBe(3);
    await console.page.getByRole('button', { name: 'Delete all' }).click();
    const confirm = console.dialog('Delete every row of Consents?');
    const go = confirm.getByRole('button', { name: 'Delete all rows' });
    const typed = confirm.getByRole('textbox', { name: 'Type consents to confirm' });
    expect(await go.isDisabled()).toBe(true);
    await typed.fill('Consents');
    expect(await go.isDisabled()).toBe(true);
    await typed.press('Enter');
    expect(await confirm.isVisible()).toBe(true);
    await typed.fill('consents');
    await go.click();
    await console.page.getByText('3 rows deleted from Consents.').waitFor();
    await console.rows('Consents').getByText('No rows in Consents.').waitFor();
    await expect.poll(() => console.tabCount('Consents')).toBe(0);
    expect((await api(server.url, key, 'GET', '/api/v1/tables/consents/rows')).body.rows).toEqual([]);
    expect(await console.page.getByRole('button', { name: 'Delete all' }).isDisabled()).toBe(true);
  });

  it('saves settings, shows API errors next to the field their path names, and a shorter retention hides older rows at once', async () => {
    const console = await signedIn();
    await console.section('Settings').click();
    const form = console.page.getByRole('form', { name: 'Settings' });
    const winners = form.getByRole('spinbutton', { name: 'Winners' });
    await winners.waitFor();
    expect(await winners.inputValue()).toBe('60');

    // A retention the API refuses: its message appears next to the Winners field.
    await winners.fill('0');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => winners.getAttribute('aria-invalid')).toBe('true');
    const winnersError = await winners.evaluate((input) => input.closest('.field')!.querySelector('.field-error')!.textContent);
    expect(winnersError).toBe('Must be >= 1');
    expect(await winners.evaluate((input) => input === document.activeElement)).toBe(true);
    await winners.fill('60');

    // A bad time zone, then a bad origin on line 2 (blank lines do not count as entries).
    const zone = form.getByRole('combobox', { name: 'Time zone' });
    await zone.fill('Mars/Olympus');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => zone.getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByText('Time zone must be an IANA zone name such as Europe/Paris').isVisible()).toBe(true);
    await zone.fill(ZONE);
    const origins = form.getByRole('textbox', { name: 'Allowed widget origins' });
    await origins.fill('https://shop.example.org\n\nnot an origin');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByText('Line 3: Origin must look like https://example.org').waitFor();
    expect(await zone.getAttribute('aria-invalid')).toBeNull();
    expect((await api(server.url, key, 'GET', '/api/v1/workspace')).body.allowedOrigins).toEqual([]);

    await origins.fill('https://shop.example.org\nhttps://www.example.org\n');
    await form.getByRole('spinbutton', { name: 'Giveaway participations' }).fill('10');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await console.page.getByText('Settings saved.').waitFor();
    const saved = (await api(server.url, key, 'GET', '/api/v1/workspace')).body;
    expect(saved.allowedOrigins).toEqual(['https://shop.example.org', 'https://www.example.org']);
    expect(saved.retention).toEqual({ tables: { participations: 10 }, modules: { 'instant-win': { instant_win_claims: 20 } } });
    await form.getByText(/instant-win: Instant win claims 20 days/).waitFor();
    expect(await form.getByRole('spinbutton', { name: 'Giveaway participations' }).inputValue()).toBe('10');

    await console.section('Data').click();
    const region = await console.openTable('Giveaway participations');
    await expect.poll(() => console.tabCount('Giveaway participations')).toBe(2);
    expect(await console.bodyRows('Giveaway participations').locator('td:nth-child(5) dd').allTextContents()).toEqual(['cy@example.org', 'ada@example.org']);
    expect(await region.getByText(/^old\./).count()).toBe(0);
    const expiry = await region.locator('tr').filter({ hasText: 'ada@example.org' }).locator('time').nth(1).getAttribute('datetime');
    expect(new Date(expiry!).getTime()).toBe(NOW.getTime() - 30 * 60_000 + 10 * DAY);
  });

  it('lists flows with status, hash id and window, and closes one after confirmation', async () => {
    const opensAt = new Date(NOW.getTime() - DAY).toISOString();
    const closesAt = new Date(NOW.getTime() + 30 * DAY).toISOString();
    const spring = await saveTestFlow(storage, workspace, 'spring-giveaway', {
      name: 'Spring giveaway', opensAt, closesAt, steps: [{ id: 'hello', module: 'message', config: { text: 'Hi' } }],
    });
    await saveTestFlow(storage, workspace, 'welcome', { name: 'Welcome', steps: [{ id: 'hello', module: 'message', config: { text: 'Hi' } }] });

    const console = await signedIn();
    await console.section('Flows').click();
    const table = console.page.getByRole('region', { name: 'Flows list' });
    const row = table.locator('tr[data-flow-id="spring-giveaway"]');
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(['Open', spring.hashId, formatWindow(opensAt, closesAt, ZONE), 'Close']);
    expect(await table.locator('tr[data-flow-id="welcome"] td').nth(2).textContent()).toBe('Always open');

    await row.getByRole('button', { name: 'Close flow Spring giveaway' }).click();
    await console.dialog('Close Spring giveaway?').getByRole('button', { name: 'Close flow' }).click();
    await console.page.getByText('Spring giveaway is closed.').waitFor();
    await expect.poll(() => table.locator('tr[data-flow-id="spring-giveaway"] .badge').textContent()).toBe('Closed');
    expect(await table.getByRole('button', { name: 'Close flow Spring giveaway' }).count()).toBe(0);
    expect((await api(server.url, key, 'GET', '/api/v1/flows/spring-giveaway')).body.status).toBe('closed');
    expect((await api(server.url, key, 'GET', '/api/v1/flows/welcome')).body.status).toBe('open');
  });

  it('fits a 360 px screen: the page never scrolls sideways, tables scroll inside their container', async () => {
    const desktop = await signedIn();
    await desktop.openTable('Giveaway participations');
    await desktop.page.screenshot({ path: '/tmp/parley-admin-desktop.png', fullPage: true });
    await desktop.close();
    open = undefined;

    const console = await signedIn({ width: 360, height: 740 });
    const pageWidth = () => console.page.evaluate(() => document.documentElement.scrollWidth);
    const region = await console.openTable('Giveaway participations');
    expect(await pageWidth()).toBeLessThanOrEqual(360);
    expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await console.page.screenshot({ path: '/tmp/parley-admin-360.png', fullPage: true });

    await console.createDownload('Giveaway participations');
    expect(await pageWidth()).toBeLessThanOrEqual(360);
    await console.page.screenshot({ path: '/tmp/parley-admin-360-download.png' });
    await console.closeDialog('Download Giveaway participations');

    for (const section of ['Flows', 'Settings'] as const) {
      await console.section(section).click();
      await console.page.getByRole('heading', { name: section }).waitFor();
      expect(await pageWidth()).toBeLessThanOrEqual(360);
    }
    await console.page.screenshot({ path: '/tmp/parley-admin-360-settings.png', fullPage: true });
  });
});
