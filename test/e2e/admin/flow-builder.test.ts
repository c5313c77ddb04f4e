import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../support/chromium.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import { ConsolePage } from './console-page.js';
import { addStep, newFlow, step } from './flow-steps.js';
import { sql } from 'kysely';

const DAY = 86_400_000;
let storage: TestStorage;
let server: RunningServer;
let browser: Browser;
let workspace: Workspace;
let key: string;
let host: Server;
let hostOrigin: string;

/** A page of another site that embeds the widget for one flow, as an owner's web developer would. */
function hostPage(flow: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>The shop</h1>
<script src="${server.url}/widget.js" data-workspace="${workspace.id}" data-flow="${flow}" data-open="true"></script></body></html>`;
}

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  host = createServer((req, res) => {
    const flow = new URL(req.url ?? '/', 'http://host').searchParams.get('flow') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hostPage(flow.replace(/[^a-z0-9_-]/g, '')));
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  workspace = await createWorkspace(storage, { name: 'Builder shop', timeZone: 'Europe/Paris', allowedOrigins: [hostOrigin] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
  await server?.close();
  await storage?.destroy();
});

describe('flow builder in the console (real Chromium, accessible names only)', () => {
  it('builds Hello World → email capture → giveaway (once) with 30-day email retention, tries it in the preview, and a visitor of another site completes it', async () => {
    const console = await ConsolePage.open(browser, server.url);
    await console.signIn(key);
    const page = await newFlow(console, 'Hello World');
    expect(await page.getByLabel('Flow id').inputValue()).toBe('hello-world');

    await addStep(page, 'Message');
    await step(page, 1, 'Message').getByLabel('Text').fill('Hello World');
    await addStep(page, 'Email capture');
    const email = step(page, 2, 'Email capture');
    await email.getByLabel('Question').fill('Your email?');
    const days = email.getByLabel('Email capture: days email addresses are kept in Variables');
    expect(await days.inputValue()).toBe('60');
    await email.getByText('Email addresses are kept 60 days in Variables.').waitFor();
    await days.fill('30');
    await email.getByText('Email addresses are kept 30 days in Variables.').waitFor();
    expect(await email.getByLabel("Store this module's data (Email capture)").isChecked()).toBe(true);
    await addStep(page, 'Giveaway (raffle entry)');
    const giveaway = step(page, 3, 'Giveaway (raffle entry)');
    await giveaway.getByLabel(/^Entries per person/).selectOption('once');
    expect(await giveaway.getByText('Raffle entries').count()).toBeGreaterThan(0);
    // The prize, a group of its own; left empty it is not sent (the storage-off test below saves one without).
    await giveaway.getByRole('group', { name: /Prize/ }).getByLabel(/^Prize id/).fill('mug');
    await giveaway.getByLabel(/^Prize title/).fill('Mug');
    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByRole('status').getByText('Flow Hello World saved (version 1).').waitFor();
    expect(console.problems).toEqual([]);

    const saved = (await api(server.url, key, 'GET', '/api/v1/flows/hello-world')).body;
    expect(saved.steps.map((s: { module: string }) => s.module)).toEqual(['message', 'email-capture', 'giveaway']);
    expect(saved.steps[0]).toMatchObject({ config: { text: 'Hello World' }, next: saved.steps[1].id });
    expect(saved.steps[2].config).toEqual({ frequency: 'once', prize: { id: 'mug', title: 'Mug' } });
    expect((await api(server.url, key, 'GET', '/api/v1/workspace')).body.retention.modules).toEqual({ 'email-capture': { variables: 30 } });

    // The owner tries the saved flow in the preview pane: the real widget, a session marked preview.
    await page.getByRole('button', { name: 'Try the saved flow' }).click();
    const preview = page.getByRole('region', { name: 'Preview chat' });
    await preview.getByText('Hello World').waitFor();
    await preview.getByText('Your email?').waitFor();
    await preview.getByRole('textbox', { name: 'Email' }).fill('owner.preview@example.org');
    await preview.getByRole('button', { name: 'Send' }).click();
    await preview.getByText("You're in the draw").waitFor();
    const previewRows = await sql<{ table: string; n: number }>`
      select 'participations' as table, count(*)::int as n from store_participations where workspace_id = ${workspace.id} and preview
      union all select 'sessions', count(*)::int from chat_sessions where workspace_id = ${workspace.id} and preview`.execute(storage.db);
    expect(previewRows.rows).toEqual([{ table: 'participations', n: 1 }, { table: 'sessions', n: 1 }]);
    expect(console.problems).toEqual([]);

    // A visitor on the shop's site (another allowed origin) completes the flow in the widget.
    const visitor = await browser.newContext();
    const shop = await visitor.newPage();
    await shop.goto(`${hostOrigin}/?flow=hello-world`);
    await shop.getByText('Hello World').waitFor();
    await shop.getByText('Your email?').waitFor();
    await shop.getByRole('textbox', { name: 'Email' }).fill('ada@example.org');
    await shop.getByRole('button', { name: 'Send' }).click();
    await shop.getByText("You're in the draw").waitFor();
    await visitor.close();

    const now = storage.clock.now().getTime();
    const participations = (await listStoreRows(storage, workspace.id, 'participations')).rows;
    expect(participations).toHaveLength(1);
    const [participation] = participations;
    expect(participation!.expiresAt.getTime() - participation!.createdAt.getTime()).toBe(60 * DAY);
    const [variable] = (await listStoreRows(storage, workspace.id, 'variables')).rows;
    expect(variable!.expiresAt.getTime() - variable!.createdAt.getTime()).toBe(30 * DAY);
    expect(participation!.expiresAt.getTime()).toBeGreaterThan(now);

    // The owner finds the participation in the Data tab with its expiry.
    await console.section('Data').click();
    const rows = await console.openTable('Giveaway participations');
    const expiry = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(participation!.expiresAt);
    expect(await rows.getByRole('row').filter({ hasText: expiry }).count()).toBe(1);
    expect(await console.tabCount('Giveaway participations')).toBe(1);

    // An export of the flow holds the visitor's entry, not the preview's.
    const fields = [{ field: 'form.email', column: 'EMAIL' }];
    const created = await api(server.url, key, 'POST', '/api/v1/exports', { name: 'Entries', source: { flow: 'hello-world' }, fields, format: { type: 'csv' }, fileNamePattern: '{export}' });
    expect(created.status).toBe(201);
    const exported = (await api(server.url, key, 'POST', `/api/v1/exports/${created.body.id}/preview`, {})).body;
    expect(exported.rows).toEqual([['ada@example.org']]);
    await console.context.close();
  });

  it("refuses a giveaway whose module's storage is switched off, at the step, and saves once it is on again", async () => {
    const console = await ConsolePage.open(browser, server.url);
    await console.signIn(key);
    const page = await newFlow(console, 'No storage');
    await addStep(page, 'Giveaway (raffle entry)');
    const giveaway = step(page, 1, 'Giveaway (raffle entry)');
    const store = giveaway.getByLabel("Store this module's data (Giveaway (raffle entry))");
    await store.uncheck();
    await giveaway.getByText('Raffle entries are not stored: this module\'s data is switched off.').waitFor();
    await page.getByRole('button', { name: 'Save flow' }).click();
    await giveaway.getByRole('alert').getByText(/Step 1 \(Giveaway \(raffle entry\)\) needs storage/).waitFor();
    expect((await api(server.url, key, 'GET', '/api/v1/flows/no-storage')).status).toBe(404);

    await store.check();
    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByRole('status').getByText('Flow No storage saved (version 1).').waitFor();
    expect((await api(server.url, key, 'GET', '/api/v1/workspace')).body.storageOffModules).toEqual([]);
    await console.context.close();
  });

  it('lists the version history and restores an earlier version after confirmation', async () => {
    const first = { name: 'History', steps: [{ id: 'hi', module: 'message', config: { text: 'First words' } }] };
    const second = { name: 'History two', steps: [{ id: 'hi', module: 'message', config: { text: 'Second words' } }, { id: 'bye', module: 'message', config: { text: 'Bye' } }] };
    expect((await api(server.url, key, 'PUT', '/api/v1/flows/history', first)).status).toBe(201);
    expect((await api(server.url, key, 'PUT', '/api/v1/flows/history', second)).status).toBe(200);
    const console = await ConsolePage.open(browser, server.url);
    await console.signIn(key);
    await console.section('Flows').click();
    const { page } = console;
    await page.getByRole('button', { name: 'Edit flow History two' }).click();
    const versions = page.getByRole('list', { name: 'Versions' });
    await versions.getByText(/^Version 2 \(current\): History two, 2 steps/).waitFor();
    await versions.getByText(/^Version 1: History, 1 step, saved/).waitFor();
    expect(await versions.getByRole('button', { name: 'Restore version 2' }).count()).toBe(0);

    await versions.getByRole('button', { name: 'Restore version 1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore version 1?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await api(server.url, key, 'GET', '/api/v1/flows/history')).body.version).toBe(2);

    await versions.getByRole('button', { name: 'Restore version 1' }).click();
    await dialog.getByRole('button', { name: 'Restore version' }).click();
    await page.getByRole('status').getByText('Version 1 restored as version 3.').waitFor();
    await step(page, 1, 'Message').waitFor();
    expect(await page.getByRole('list', { name: 'Steps' }).getByRole('listitem').count()).toBe(1);
    await page.getByRole('list', { name: 'Versions' }).getByText(/^Version 3 \(current\): History, 1 step/).waitFor();
    const restored = (await api(server.url, key, 'GET', '/api/v1/flows/history')).body;
    expect(restored).toMatchObject({ name: 'History', version: 3, steps: first.steps });
    expect(console.problems).toEqual([]);
    await console.context.close();
  });

  it('reorders steps with the keyboard only and shows a refusal next to the field its path names', async () => {
    const console = await ConsolePage.open(browser, server.url);
    await console.signIn(key);
    const page = await newFlow(console, 'Order');
    await addStep(page, 'Message');
    await step(page, 1, 'Message').getByLabel('Text').fill('First');
    await addStep(page, 'Link');
    await step(page, 2, 'Link').getByLabel('Link label').fill('Rules');
    await step(page, 2, 'Link').getByLabel('Address').fill('https://example.org/rules');

    await page.getByRole('button', { name: 'Move step 2 (Link) up' }).focus();
    await page.keyboard.press('Enter');
    await step(page, 1, 'Link').waitFor();
    await step(page, 2, 'Message').waitFor();
    // Focus stays on the moved step's controls, so the keyboard user can keep moving it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move step 1 (Link) down');

    await step(page, 2, 'Message').getByLabel('Text').fill('');
    await page.getByRole('button', { name: 'Save flow' }).click();
    const text = step(page, 2, 'Message').getByLabel('Text');
    await expect.poll(() => text.getAttribute('aria-invalid')).toBe('true');
    expect((await api(server.url, key, 'GET', '/api/v1/flows/order')).status).toBe(404);

    await text.fill('Second');
    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByRole('status').getByText('Flow Order saved (version 1).').waitFor();
    const saved = (await api(server.url, key, 'GET', '/api/v1/flows/order')).body;
    expect(saved.steps.map((s: { module: string }) => s.module)).toEqual(['link', 'message']);
    expect(saved.start).toBe(saved.steps[0].id);
    await console.context.close();
  });

  it('opens a branching flow made with the API and saves it back without changing where each step leads', async () => {
    const steps = [
      { id: 'pick', module: 'choice', config: { text: 'Pick one', options: [{ id: 'red', label: 'Red', next: 'red' }, { id: 'blue', label: 'Blue', next: 'blue' }] }, next: 'red' },
      { id: 'red', module: 'message', config: { text: 'Red it is' } },
      { id: 'blue', module: 'message', config: { text: 'Blue it is' } },
    ];
    expect((await api(server.url, key, 'PUT', '/api/v1/flows/branches', { name: 'Branches', steps })).status).toBe(201);
    const console = await ConsolePage.open(browser, server.url);
    await console.signIn(key);
    await console.section('Flows').click();
    await console.page.getByRole('button', { name: 'Edit flow Branches' }).click();
    const red = step(console.page, 2, 'Message');
    expect(await red.getByLabel('Then').locator('option:checked').textContent()).toBe('End the flow');
    await console.page.getByRole('button', { name: 'Save flow' }).click();
    await console.page.getByRole('status').getByText('Flow Branches saved (version 2).').waitFor();
    const saved = (await api(server.url, key, 'GET', '/api/v1/flows/branches')).body;
    expect(saved.steps.map((s: { id: string; next?: string }) => [s.id, s.next])).toEqual([['pick', 'red'], ['red', undefined], ['blue', undefined]]);
    expect(saved.steps[0].config.options.map((o: { next: string }) => o.next)).toEqual(['red', 'blue']);
    await console.context.close();
  });

  it('copies a flow under a new id: an id already taken is refused at its field, then the copy opens in the builder', async () => {
    const steps = [{ id: 'hello', module: 'message', config: { text: 'Spring is here' } }];
    expect((await api(server.url, key, 'PUT', '/api/v1/flows/spring-copy-source', { name: 'Spring source', steps })).status).toBe(201);
    expect((await api(server.url, key, 'PUT', '/api/v1/flows/taken', { name: 'Taken', steps })).status).toBe(201);
    const console = await ConsolePage.open(browser, server.url);
    await console.signIn(key);
    await console.section('Flows').click();
    await console.page.getByRole('button', { name: 'Copy flow Spring source' }).click();
    const dialog = console.dialog('Copy Spring source');
    expect(await dialog.getByLabel('Name').inputValue()).toBe('Spring source (copy)');
    expect(await dialog.getByLabel('Flow id').inputValue()).toBe('spring-copy-source-copy');
    await dialog.getByLabel('Flow id').fill('taken');
    await dialog.getByRole('button', { name: 'Copy flow' }).click();
    await dialog.getByText('A flow with this id already exists: choose another').waitFor();
    expect(await dialog.getByLabel('Flow id').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Flow id').fill('autumn-game');
    await dialog.getByLabel('Name').fill('Autumn game');
    await dialog.getByRole('button', { name: 'Copy flow' }).click();
    await console.page.getByRole('heading', { name: 'Edit flow Autumn game' }).waitFor();
    expect(await console.page.getByLabel('Flow id').inputValue()).toBe('autumn-game');
    expect((await api(server.url, key, 'GET', '/api/v1/flows/autumn-game')).body).toMatchObject({ name: 'Autumn game', steps });
    expect((await api(server.url, key, 'GET', '/api/v1/flows/taken')).body.name).toBe('Taken');
    await console.context.close();
  });

  it('stays usable at 360 px: no sideways scrolling while building', async () => {
    const console = await ConsolePage.open(browser, server.url, { width: 360, height: 780 });
    await console.signIn(key);
    const page = await newFlow(console, 'Narrow');
    await addStep(page, 'Choice');
    await step(page, 1, 'Choice').getByLabel(/^option 1 Button label/).fill('Yes');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await step(page, 1, 'Choice').getByLabel(/^option 1 Option id/).fill('yes');
    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByRole('status').getByText('Flow Narrow saved (version 1).').waitFor();
    await page.getByRole('button', { name: 'Try the saved flow' }).click();
    await page.getByRole('region', { name: 'Preview chat' }).getByRole('button', { name: 'Yes' }).waitFor();
    await page.getByRole('list', { name: 'Versions' }).getByText(/^Version 1 \(current\)/).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await console.context.close();
  });
});
