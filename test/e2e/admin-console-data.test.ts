import { describe, expect, it } from 'vitest';
import { api } from '../support/test-server.js';
import { saveTestFlow } from '../support/flow-harness.js';
import { formatWindow } from '../../widget/admin/time-format.js';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { extractWith7z } from '../support/seven-zip.js';
import { writeAt } from './admin/seed-rows.js';
import { DAY, NOW, SAMPLE_FILE, ZONE, fetchCsv, forgetOpen, key, server, signedIn, storage, useConsoleFixture, workspace } from './admin/console-fixture.js';

useConsoleFixture();

describe('admin console: data and settings', () => {
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
    const emails = (await fetchCsv(shown.url, shown.password)).rows.map((r) => r.email);
    expect(emails.sort()).toEqual(['ada@example.org', 'cy@example.org', 'old.one@example.org', 'old.two@example.org']);
  });

  it('downloads the file a participant sent, under its own name, as it came', async () => {
    const console = await signedIn();
    const region = await console.openTable('Files');
    const row = region.locator('tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('ticket "7".png');
    const created = (await row.locator('time').first().textContent())!;
    const [download] = await Promise.all([
      console.page.waitForEvent('download'),
      row.getByRole('button', { name: `Download the file of the row created ${created}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('ticket _7_.png'); // Chromium's own rule: no quotes in a saved file's name
    expect((await readFile((await download.path())!)).equals(SAMPLE_FILE)).toBe(true);
    const audit = await api(server.url, key, 'GET', '/api/v1/audit');
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain('file.downloaded');
    // Other tables keep no files: no download button there.
    const consents = await console.openTable('Consents');
    expect(await consents.getByRole('button', { name: /Download the file/ }).count()).toBe(0);
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

    // The audit log is kept 30 days at least: the API's refusal shows next to its field.
    const auditDays = form.getByRole('spinbutton', { name: 'Audit log' });
    expect(await auditDays.inputValue()).toBe('365');
    await auditDays.fill('20');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => auditDays.getAttribute('aria-invalid')).toBe('true');
    expect(await auditDays.evaluate((input) => input.closest('.field')!.querySelector('.field-error')!.textContent)).toBe('Must be >= 30');
    await auditDays.fill('90');

    await origins.fill('https://shop.example.org\nhttps://www.example.org\n');
    await form.getByRole('spinbutton', { name: 'Giveaway participations' }).fill('10');
    // Shorter retentions delete what is older: the form asks first, and Cancel saves nothing.
    await form.getByRole('button', { name: 'Save settings' }).click();
    const confirm = console.dialog('Shorten these retentions?');
    await confirm.getByText('Giveaway participations: 60 → 10 days; Audit log: 365 → 90 days.').waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await api(server.url, key, 'GET', '/api/v1/workspace')).body.auditRetentionDays).toBe(365);
    await form.getByRole('button', { name: 'Save settings' }).click();
    await confirm.getByRole('button', { name: 'Shorten and save' }).click();
    await console.page.getByText('Settings saved.').waitFor();
    const saved = (await api(server.url, key, 'GET', '/api/v1/workspace')).body;
    expect(saved.allowedOrigins).toEqual(['https://shop.example.org', 'https://www.example.org']);
    expect(saved.auditRetentionDays).toBe(90);
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
    expect(await row.locator('td').allTextContents()).toEqual(['Open', spring.hashId, formatWindow(opensAt, closesAt, ZONE), 'EditStatisticsCopyCloseDelete']);
    expect(await table.locator('tr[data-flow-id="welcome"] td').nth(2).textContent()).toBe('Always open');

    await row.getByRole('button', { name: 'Close flow Spring giveaway' }).click();
    await console.dialog('Close Spring giveaway?').getByRole('button', { name: 'Close flow' }).click();
    await console.page.getByText('Spring giveaway is closed.').waitFor();
    await expect.poll(() => table.locator('tr[data-flow-id="spring-giveaway"] .badge').textContent()).toBe('Closed');
    expect(await table.getByRole('button', { name: 'Close flow Spring giveaway' }).count()).toBe(0);
    expect(await table.getByRole('button', { name: 'Edit flow Spring giveaway' }).count()).toBe(1);
    expect((await api(server.url, key, 'GET', '/api/v1/flows/spring-giveaway')).body.status).toBe('closed');
    expect((await api(server.url, key, 'GET', '/api/v1/flows/welcome')).body.status).toBe('open');
  });

  it('deletes a flow once its id is typed, naming the exports that read it; what it stored stays', async () => {
    const autumn = await saveTestFlow(storage, workspace, 'autumn', { name: 'Autumn', steps: [{ id: 'email', module: 'email-capture', config: { question: 'Email?' } }] });
    await writeAt(storage, workspace.id, new Date(NOW.getTime() - 60_000), { table: 'variables', moduleId: 'email-capture', flowId: autumn.id, data: { variable: 'email' }, personal: { email: 'dora@example.org' }, subject: 'dora@example.org' });
    const definition = { name: 'Autumn entries', source: { flow: 'autumn' }, fields: [{ field: 'form.contest_entry_hash_id' }], format: { type: 'csv' }, fileNamePattern: '{export}' };
    expect((await api(server.url, key, 'POST', '/api/v1/exports', definition)).status).toBe(201);

    const console = await signedIn();
    await console.section('Flows').click();
    await console.page.getByRole('button', { name: 'Delete flow Autumn' }).click();
    const dialog = console.dialog('Delete Autumn?');
    await dialog.getByText('The export “Autumn entries” reads this flow: its runs fail until a flow with this id exists again.').waitFor();
    await dialog.getByText('Its widget stops at once, mid-conversation too.', { exact: false }).waitFor();
    const confirm = dialog.getByRole('button', { name: 'Delete flow' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Type autumn to confirm' }).fill('autumn');
    await confirm.click();
    await console.page.getByText('Autumn is deleted.').waitFor();
    await console.page.locator('tr[data-flow-id="autumn"]').waitFor({ state: 'detached' });
    expect((await api(server.url, key, 'GET', '/api/v1/flows/autumn')).status).toBe(404);
    const audit = await api(server.url, key, 'GET', '/api/v1/audit?action=flow.deleted');
    expect(audit.body.entries.map((entry: { target: string }) => entry.target)).toEqual(['autumn']);
    // What it stored keeps its expiry; the export stays, to point at another flow.
    const found = await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email: 'dora@example.org' });
    expect(found.body.rows.map((row: { flowId: string }) => row.flowId)).toEqual([autumn.id]);
    await console.section('Exports').click();
    const exported = console.page.getByRole('region', { name: 'Exports list' }).getByRole('row').filter({ hasText: 'Autumn entries' });
    expect(await exported.getByRole('cell').first().textContent()).toBe('autumn (no such flow)');
  });

  it("shows which flow stored each row, and reads, downloads and deletes one flow's rows only", async () => {
    const north = await saveTestFlow(storage, workspace, 'north', { name: 'North game', steps: [{ id: 'email', module: 'email-capture', config: { question: 'Email?' } }] });
    const south = await saveTestFlow(storage, workspace, 'south', { name: 'South game', steps: [{ id: 'email', module: 'email-capture', config: { question: 'Email?' } }] });
    const code = (minutesAgo: number, flowId: string | null, value: string) =>
      writeAt(storage, workspace.id, new Date(NOW.getTime() - minutesAgo * 60_000), { table: 'codes', moduleId: 'codes', stepId: 'code', flowId, data: { code: value } });
    await code(40, north.id, 'N-1');
    await code(30, south.id, 'S-1');
    await code(20, north.id, 'N-2');
    await code(10, null, 'X-1');
    storage.clock.set(NOW);

    const console = await signedIn();
    const region = await console.openTable('Codes');
    const body = console.bodyRows('Codes');
    await expect.poll(() => body.count()).toBe(4);
    expect(await region.locator('thead th').allTextContents()).toEqual(['Created', 'Expires', 'Flow', 'Module / step', 'Data', 'Personal', 'Actions']);
    expect(await body.locator('td:nth-child(3)').allTextContents()).toEqual(['—', 'North game', 'South game', 'North game']);
    const flow = console.page.getByLabel('Flow', { exact: true });
    expect(await flow.locator('option').allTextContents()).toEqual(['All flows', 'North game (2 rows)', 'South game (1 row)']);

    await flow.selectOption({ label: 'North game (2 rows)' });
    await expect.poll(() => body.locator('td:nth-child(4) dd').allTextContents()).toEqual(['N-2', 'N-1']);
    await console.page.getByText('2 rows of North game (4 rows in all) · kept 60 days').waitFor();
    expect(await region.locator('thead th').allTextContents()).toEqual(['Created', 'Expires', 'Module / step', 'Data', 'Personal', 'Actions']);

    const shown = await console.createDownload('Codes');
    await console.dialog('Download Codes').getByText('The file is a CSV of the rows North game stored', { exact: false }).waitFor();
    const zip = Buffer.from(await (await fetch(shown.url)).arrayBuffer());
    const opened = await extractWith7z(zip, 'codes.csv', shown.password);
    const rows = parse(opened.text!, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.flow_id, JSON.parse(r.data!).code])).toEqual([[north.id, 'N-1'], [north.id, 'N-2']]);
    await console.closeDialog('Download Codes');

    await console.page.getByRole('button', { name: 'Delete all' }).click();
    const confirm = console.dialog('Delete every row of Codes that North game stored?');
    await confirm.getByText("All 2 rows of Codes that North game stored will be deleted for good; other flows' rows stay.", { exact: false }).waitFor();
    await confirm.getByRole('textbox', { name: 'Type codes to confirm' }).fill('codes');
    await confirm.getByRole('button', { name: 'Delete all rows' }).click();
    await console.page.getByText('2 rows deleted from Codes (North game).').waitFor();
    // North game has no rows left: the view goes back to every flow.
    await expect.poll(() => flow.locator('option').allTextContents()).toEqual(['All flows', 'South game (1 row)']);
    await expect.poll(() => body.locator('td:nth-child(5) dd').allTextContents()).toEqual(['X-1', 'S-1']);
    const left = (await api(server.url, key, 'GET', '/api/v1/tables/codes/rows')).body.rows.map((r: { data: { code: string } }) => r.data.code);
    expect(left).toEqual(['X-1', 'S-1']);

    // The audit names the flow whose rows went, by its name; once the flow is deleted, says so.
    const deletedAll = async () => {
      await console.section('Audit').click();
      const filters = console.page.getByRole('search', { name: 'Audit filters' });
      await filters.getByRole('combobox', { name: 'Action' }).selectOption({ label: 'All rows deleted' });
      await filters.getByRole('button', { name: 'Apply filters' }).click();
      // The Consents table was emptied earlier in this file: its entry names no flow.
      const row = console.page.getByRole('region', { name: 'Audit entries' }).getByRole('row').filter({ has: console.page.getByRole('rowheader', { name: 'All rows deleted' }) }).filter({ hasText: 'codes of' });
      await expect.poll(() => row.count()).toBe(1);
      return row.getByRole('cell').nth(2).textContent();
    };
    expect(await deletedAll()).toBe('codes of flow “North game”');
    expect((await api(server.url, key, 'DELETE', '/api/v1/flows/north')).status).toBe(204);
    await console.section('Data').click();
    expect(await deletedAll()).toBe(`codes of a deleted flow (ref. ${north.id.slice(0, 8)})`);
  });

  it('fits a 360 px screen: the page never scrolls sideways, tables scroll inside their container', async () => {
    const desktop = await signedIn();
    await desktop.openTable('Giveaway participations');
    await desktop.page.screenshot({ path: '/tmp/parley-admin-desktop.png', fullPage: true });
    await desktop.close();
    forgetOpen();

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
