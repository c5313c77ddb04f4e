import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { api } from '../../support/test-server.js';
import { sql } from 'kysely';
import { saveTestFlow } from '../../support/flow-harness.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import type { ApiScope } from '../../../core/api-scopes.js';
import { forgetOpen, key, openConsole, server, signedIn, storage, useConsoleFixture, workspace } from './console-fixture.js';

useConsoleFixture();

/** The key table's rows as read: name, key, access, last used, expiry, status, and whether Revoke can be pressed. */
async function keyRows(page: Page): Promise<string[]> {
  const table = page.getByRole('table', { name: 'API keys' });
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => {
    const cells = [...(row as HTMLTableRowElement).cells];
    const button = row.querySelector('button');
    const expiry = cells[5]!.textContent === 'Never' ? 'Never' : 'expires';
    return [cells[0]!.textContent, cells[1]!.textContent!.slice(0, 3), cells[2]!.textContent, cells[4]!.textContent, expiry, cells[6]!.textContent!.split(' ')[0], button ? (button.disabled ? 'locked' : 'revocable') : '—'].join(' | ');
  }));
}

/** The rows but the keys of the tests before (revoked there). */
const keysOfThisTest = async (page: Page) => (await keyRows(page)).filter((row) => !['Reporting |', 'Campaign |', 'Unsubscribes |'].some((name) => row.startsWith(name)));

describe('API keys in the console (real Chromium, accessible names only)', () => {
  it('issues a read-only key, whose console says so and shows no control of a change it would be refused', async () => {
    await saveTestFlow(storage, workspace, 'looked-at', { name: 'Looked at', steps: [{ id: 'hello', module: 'message', config: { text: 'Hello' } }] });
    const owner = await signedIn();
    await owner.section('API keys').click();
    await owner.page.getByRole('button', { name: 'Issue key' }).click();
    const dialog = owner.page.getByRole('dialog', { name: 'Issue an API key' });
    await dialog.getByLabel('Name').fill('Reporting');
    await dialog.getByLabel('Access').selectOption({ label: 'Read only' });
    await dialog.getByRole('button', { name: 'Issue key' }).click();
    const reader = await dialog.getByRole('textbox', { name: 'API key' }).inputValue();
    await dialog.getByRole('button', { name: 'Done' }).click();
    expect(await keyRows(owner.page)).toEqual([
      'Reporting | pk_ | Read only | Never | Never | Active | revocable',
      expect.stringMatching(/^default \(this console\) \| pk_ \| Full \| .+ \| Active \| locked$/),
    ]);
    await owner.close();
    forgetOpen();

    const console = await openConsole();
    await console.signIn(reader);
    const { page } = console;
    await page.getByRole('note').filter({ hasText: 'Read-only key: you can look, not change' }).waitFor();
    /** Each section, what shows it has drawn, and the controls of changes that must not be there. */
    const sections: Array<[Parameters<typeof console.section>[0], () => Promise<void>, string[]]> = [
      ['Data', () => page.getByRole('button', { name: 'Download', exact: true }).waitFor(), ['Delete all']],
      ['Flows', () => page.getByRole('button', { name: 'Edit flow Looked at' }).waitFor(), ['New flow', 'Copy flow Looked at', 'Close flow Looked at', 'Delete flow Looked at']],
      ['Exports', () => page.getByRole('heading', { name: 'Exports' }).waitFor(), ['New export']],
      ['Webhooks', () => page.getByRole('heading', { name: 'Webhooks' }).waitFor(), ['Add endpoint']],
      ['Codes', () => page.getByRole('region', { name: 'Code pools' }).waitFor(), ['Upload codes']],
      ['Settings', () => page.getByLabel('Workspace name').waitFor(), ['Save settings']],
      ['API keys', () => page.getByRole('table', { name: 'API keys' }).waitFor(), ['Issue key', 'Revoke API key Reporting']],
    ];
    for (const [section, drawn, writes] of sections) {
      await console.section(section).click();
      await drawn();
      for (const name of writes) expect(await page.getByRole('button', { name, exact: true }).count(), `${section}: ${name}`).toBe(0);
    }
    expect(await page.getByRole('form', { name: 'Upload codes' }).count()).toBe(0);
    // A flow opens to be read; it cannot be saved or tried (a preview writes sessions).
    await console.section('Flows').click();
    await page.getByRole('button', { name: 'Edit flow Looked at' }).click();
    await page.getByRole('heading', { name: 'Edit flow Looked at' }).waitFor();
    for (const name of ['Save flow', 'Try the saved flow']) expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    // Revoked by the owner's key, so the next test starts from one key again.
    const id = (await api(server.url, key, 'GET', '/api/v1/api-keys')).body.apiKeys.find((k: { name: string }) => k.name === 'Reporting').id;
    expect((await api(server.url, key, 'DELETE', `/api/v1/api-keys/${id}`)).status).toBe(204);
  });

  it('issues a key that expires, shows when, and shows it expired once past its date', async () => {
    const owner = await signedIn();
    await owner.section('API keys').click();
    await owner.page.getByRole('button', { name: 'Issue key' }).click();
    const dialog = owner.page.getByRole('dialog', { name: 'Issue an API key' });
    await dialog.getByLabel('Name').fill('Campaign');
    expect(await dialog.getByLabel('Expires').locator('option').allTextContents()).toEqual(['Never', 'In 30 days', 'In 90 days', 'In a year']);
    await dialog.getByLabel('Expires').selectOption({ label: 'In 90 days' });
    await dialog.getByRole('button', { name: 'Issue key' }).click();
    await dialog.getByRole('textbox', { name: 'API key' }).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    expect((await keyRows(owner.page)).filter((row) => row.startsWith('Campaign |'))).toEqual(['Campaign | pk_ | Full | Never | expires | Active | revocable']);
    const campaign = (await api(server.url, key, 'GET', '/api/v1/api-keys')).body.apiKeys.find((k: { name: string }) => k.name === 'Campaign');
    expect(Date.parse(campaign.expiresAt) - Date.parse(campaign.createdAt)).toBe(90 * 86_400_000);

    // Ninety days on (its expiry moved to the past): listed as expired, still revocable.
    await sql`update api_keys set expires_at = now() - interval '1 second' where id = ${campaign.id}`.execute(storage.db);
    await owner.section('Settings').click();
    await owner.section('API keys').click();
    await owner.page.getByRole('row', { name: /^Campaign .*Expired/ }).waitFor();
    expect((await keyRows(owner.page)).filter((row) => row.startsWith('Campaign |'))).toEqual(['Campaign | pk_ | Full | Never | expires | Expired | revocable']);
    expect((await api(server.url, key, 'DELETE', `/api/v1/api-keys/${campaign.id}`)).status).toBe(204);
  });

  it('issues a key limited to parts of the API: the list says which, and the API refuses it the others', async () => {
    const owner = await signedIn();
    await owner.section('API keys').click();
    await owner.page.getByRole('button', { name: 'Issue key' }).click();
    const dialog = owner.page.getByRole('dialog', { name: 'Issue an API key' });
    await dialog.getByLabel('Name').fill('Unsubscribes');
    const parts = dialog.getByRole('group', { name: 'Parts of the API' });
    expect(await parts.getByRole('checkbox').evaluateAll((boxes) => boxes.filter((box) => (box as HTMLInputElement).checked).length)).toBe(9);
    for (const box of await parts.getByRole('checkbox').all()) await box.uncheck();
    await dialog.getByRole('button', { name: 'Issue key' }).click();
    await parts.getByText('Tick at least one part of the API.').waitFor();
    await parts.getByRole('checkbox', { name: 'Data subjects' }).check();
    await owner.page.screenshot({ path: '/tmp/parley-admin-scoped-key.png' });
    await dialog.getByRole('button', { name: 'Issue key' }).click();
    const issued = await dialog.getByRole('textbox', { name: 'API key' }).inputValue();
    await dialog.getByRole('button', { name: 'Done' }).click();
    expect((await keyRows(owner.page)).filter((row) => row.startsWith('Unsubscribes |'))).toEqual(['Unsubscribes | pk_ | Full · Data subjects | Never | Never | Active | revocable']);
    expect((await api(server.url, issued, 'POST', '/api/v1/subjects/lookup', { email: 'kim@example.org' })).status).toBe(200);
    expect((await api(server.url, issued, 'GET', '/api/v1/flows')).status).toBe(403);
    const id = (await api(server.url, key, 'GET', '/api/v1/api-keys')).body.apiKeys.find((k: { name: string }) => k.name === 'Unsubscribes').id;
    expect((await api(server.url, key, 'DELETE', `/api/v1/api-keys/${id}`)).status).toBe(204);
  });

  it('issues a key shown once, revokes it, keeps the last key, and signs out when its own key is revoked', async () => {
    const console = await signedIn();
    const { page } = console;
    await console.section('API keys').click();
    // The only key is this console's: it cannot be revoked.
    expect(await keysOfThisTest(page)).toEqual([expect.stringMatching(/^default \(this console\) \| pk_ \| Full \| .+ \| Active \| locked$/)]);

    await page.getByRole('button', { name: 'Issue key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Issue an API key' });
    await dialog.getByRole('button', { name: 'Issue key' }).click();
    await dialog.getByText('Name the key: what is it for?').waitFor();
    expect(await dialog.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Name').fill('CRM sync');
    await dialog.getByRole('button', { name: 'Issue key' }).click();
    const keyBox = dialog.getByRole('textbox', { name: 'API key' });
    await keyBox.waitFor();
    const issued = await keyBox.inputValue();
    expect(issued).toMatch(/^pk_/);
    await dialog.getByRole('button', { name: 'Copy API key' }).click();
    await dialog.getByText('Key copied.').waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await keysOfThisTest(page)).toEqual([
      'CRM sync | pk_ | Full | Never | Never | Active | revocable',
      expect.stringMatching(/^default \(this console\) \| pk_ \| Full \| .+ \| Active \| revocable$/),
    ]);
    // The key works, and is never shown again.
    expect((await api(server.url, issued, 'GET', '/api/v1/workspace')).status).toBe(200);
    expect(await page.content()).not.toContain(issued);

    await page.getByRole('button', { name: 'Revoke API key CRM sync' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke “CRM sync”?' });
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByRole('row', { name: /^CRM sync .*Revoked / }).waitFor();
    expect(await keysOfThisTest(page)).toEqual([
      expect.stringMatching(/^CRM sync \| pk_ \| Full \| .+ \| Revoked \| —$/),
      expect.stringMatching(/^default \(this console\) \| pk_ \| Full \| .+ \| Active \| locked$/),
    ]);
    expect((await api(server.url, issued, 'GET', '/api/v1/workspace')).status).toBe(401);

    // With a spare key issued elsewhere, this console's own key may go: the console signs out.
    const spare = (await api(server.url, key, 'POST', '/api/v1/api-keys', { name: 'spare' })).body.key as string;
    await console.section('Settings').click();
    await console.section('API keys').click();
    await page.getByRole('button', { name: 'Revoke API key default' }).click();
    const own = page.getByRole('dialog', { name: 'Revoke “default”?' });
    await own.getByText('This console is signed in with this key: it signs out at once').waitFor();
    await own.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('Your API key is no longer accepted. Sign in again.').waitFor();
    await page.getByLabel('API key').waitFor();
    expect((await api(server.url, key, 'GET', '/api/v1/workspace')).status).toBe(401);
    expect((await api(server.url, spare, 'GET', '/api/v1/workspace')).status).toBe(200);
  });

  it('shows a key limited to parts of the API only the sections it may use, says so, and hides the settings other sections would change', async () => {
    await saveTestFlow(storage, workspace, 'signups', { name: 'Signups', steps: [{ id: 'email', module: 'email-capture', config: { question: 'Email?' } }] });
    const issue = async (name: string, scopes: ApiScope[], access: 'full' | 'read' = 'full') => (await issueApiKey(storage.db, workspace.id, { name, scopes, access })).key;
    const keys = { privacy: await issue('Privacy desk', ['subjects', 'data']), flows: await issue('Flow editor', ['flows']), draws: await issue('Draw auditor', ['draws'], 'read'), exports: await issue('Export desk', ['exports']) };

    // The privacy desk's tools: the tables and a person's data, nothing else.
    let console = await openConsole();
    await console.signIn(keys.privacy);
    expect(await console.sectionNames()).toEqual(['Data', 'Data subjects']);
    expect(await console.page.getByRole('note').allTextContents()).toEqual(['Key limited to Data subjects, Data']);
    await console.lookUpSubject('ada@example.org');
    await console.page.getByRole('button', { name: 'Erase everything about this address' }).waitFor();
    await console.close();
    forgetOpen();

    // A flow editor builds flows; what a step keeps is said, but its retention is a setting it may not change.
    console = await openConsole();
    await console.signIn(keys.flows, 'Flows');
    expect(await console.sectionNames()).toEqual(['Flows']);
    await console.page.getByRole('button', { name: 'Edit flow Signups' }).click();
    await console.page.getByText('Email addresses are kept 60 days in Variables.').waitFor();
    await console.page.getByRole('button', { name: 'Save flow' }).waitFor();
    expect(await console.page.getByLabel('Email capture: days email addresses are kept in Variables').isVisible()).toBe(false);
    expect(await console.page.getByLabel("Store this module's data (Email capture)").isVisible()).toBe(false);
    await console.close();
    forgetOpen();

    // An export desk builds exports of any flow, though the flow list itself is not its part.
    console = await openConsole();
    await console.signIn(keys.exports, 'Exports');
    expect(await console.sectionNames()).toEqual(['Exports']);
    await console.page.getByText('No exports yet. Build one with New export.').waitFor();
    expect(await console.page.getByRole('alert').allTextContents()).toEqual([]);
    await console.page.getByRole('button', { name: 'New export' }).click();
    const flowChoice = console.page.getByLabel('Flow (operation)');
    await flowChoice.waitFor();
    expect(await flowChoice.locator('option').allTextContents()).toEqual(expect.arrayContaining(['Choose a flow', 'Signups']));
    await flowChoice.selectOption({ label: 'Signups' });
    await console.page.getByRole('button', { name: 'Next step' }).click();
    await console.page.getByRole('region', { name: 'Available data' }).getByRole('button', { name: 'Add Email', exact: true }).waitFor();
    expect(await console.page.getByRole('alert').allTextContents()).toEqual(['']);
    await console.close();
    forgetOpen();

    // A key for parts the console has no section for says so rather than showing empty tabs.
    console = await openConsole();
    await console.signIn(keys.draws, null);
    await console.page.getByText('This key may call only parts of the API that the console has no section for.').waitFor();
    expect(await console.page.getByRole('note').allTextContents()).toEqual(['Read-only key: you can look, not change', 'Key limited to Draws']);
    expect(await console.page.getByRole('tablist', { name: 'Console sections' }).count()).toBe(0);
    await console.close();
    forgetOpen();
  });
});
