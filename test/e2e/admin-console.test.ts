import { describe, expect, it } from 'vitest';
import { api } from '../support/test-server.js';
import { extractWith7z } from '../support/seven-zip.js';
import { issueApiKey, revokeApiKey } from '../../storage/api-key-repository.js';
import { formatInstant } from '../../widget/admin/time-format.js';
import { participation } from './admin/seed-rows.js';
import { DAY, NOW, ZONE, fetchCsv, key, openConsole, server, signedIn, storage, useConsoleFixture, workspace } from './admin/console-fixture.js';

useConsoleFixture();

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
    const spare = await issueApiKey(storage.db, workspace.id, { name: 'spare' });
    const console = await openConsole();
    await console.signIn(spare.key);
    await console.rows('Giveaway participations').locator('table').waitFor();
    expect(await revokeApiKey(storage.db, workspace.id, spare.id)).toBe('revoked');
    await console.section('Flows').click();
    await console.page.getByText('Your API key is no longer accepted. Sign in again.').waitFor();
    expect(await console.page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('shows one tab per table with its count, and each participation with its email, module/step and expiry', async () => {
    const console = await signedIn();
    const tables = await api(server.url, key, 'GET', '/api/v1/tables');
    const labels = ['Giveaway participations', 'Winners', 'Consents', 'Instant win claims', 'Codes', 'Loyalty', 'Variables', 'Files', 'Runtime log'];
    const tabs = console.page.getByRole('tablist', { name: 'Tables' }).getByRole('tab');
    // The tabs render after the tables' counts arrive: wait for them (CI once read none under load).
    await expect.poll(() => tabs.allTextContents()).toEqual(labels.map((label, i) => {
      const name = ['participations', 'winners', 'consents', 'instant_win_claims', 'codes', 'loyalty', 'variables', 'files', 'runtime_log'][i];
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
    expect(rows.map((r) => r.email)).toContain('ada@example.org');
    expect((await extractWith7z(zip, 'participations.csv', `${shown.password}x`)).code).toBe(2);
  });
});
