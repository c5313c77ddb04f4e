import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../support/chromium.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat } from '../../support/chat-client.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { WEBHOOK_TEST_ENV, startWebhookReceiver } from '../../support/webhook-receiver.js';
import { waitUntil } from '../../support/wait-until.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { verifySignature } from '../../../exporter/webhooks/webhook-signature.js';
import { ConsolePage } from './console-page.js';

const ORIGIN = 'https://shop.example';
let storage: TestStorage;
let server: RunningServer;
let browser: Browser;
let workspace: Workspace;
let key: string;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage, WEBHOOK_TEST_ENV);
  receiver = await startWebhookReceiver();
  workspace = await createWorkspace(storage, { name: 'Hook shop', timeZone: 'Europe/Paris', allowedOrigins: [ORIGIN] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  await saveTestFlow(storage, workspace, 'contest', {
    name: 'Contest',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'entry' },
      { id: 'entry', module: 'giveaway', config: { frequency: 'once' } },
    ],
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await server?.close();
  await storage?.destroy();
});

describe('Webhooks in the console (real Chromium, accessible names only)', () => {
  it('adds an endpoint, shows its secret once, logs a signed delivery, toggles an event and deletes it', async () => {
    const console = await ConsolePage.open(browser, server.url);
    const { page } = console;
    await console.signIn(key);
    await console.section('Webhooks').click();
    await page.getByText('No endpoints yet.', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a webhook endpoint' });
    await dialog.getByLabel('Endpoint URL').fill('ftp://nope.example.org');
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    await dialog.getByText('A webhook URL must use http or https').waitFor();
    expect(await dialog.getByLabel('Endpoint URL').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Endpoint URL').fill(receiver.url);
    await dialog.getByLabel('Description (optional)').fill('CRM');
    expect(await dialog.getByRole('checkbox', { name: 'participation.created' }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();

    const secretBox = dialog.getByRole('textbox', { name: 'Signing secret' });
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^whsec_/);
    await dialog.getByRole('button', { name: 'Copy signing secret' }).click();
    await dialog.getByText('Secret copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await dialog.getByRole('button', { name: 'Done' }).click();
    const card = page.getByRole('region', { name: receiver.url });
    await card.waitFor();
    // Shown once: neither the page nor the API has it any more.
    expect(await page.content()).not.toContain(secret);
    expect(JSON.stringify((await api(server.url, key, 'GET', '/api/v1/webhooks')).body)).not.toContain(secret);

    const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'contest' }, { origin: ORIGIN });
    await chat.reply('console@example.org');
    chat.close();
    const request = await waitUntil(() => receiver.requests[0], { what: 'the delivery', timeoutMs: 30_000 });
    const nowSeconds = Math.floor(storage.clock.now().getTime() / 1000);
    expect(verifySignature(String(request.headers['parley-signature']), secret, request.rawBody, { nowSeconds })).toBe(true);

    await card.getByRole('button', { name: `Delivery log of ${receiver.url}` }).click();
    const log = page.getByRole('dialog', { name: 'Delivery log' });
    const row = log.getByRole('row').filter({ hasText: 'participation.created' });
    await waitUntil(async () => {
      if ((await row.filter({ hasText: 'Delivered' }).count()) === 1) return true;
      await log.getByRole('button', { name: 'Refresh' }).click();
      return false;
    }, { what: 'the delivery in the log' });
    expect(await row.getByRole('cell').allTextContents()).toEqual([expect.any(String), 'participation.created', 'Delivered', '1', '200', '—']);
    await log.getByRole('button', { name: 'Close' }).click();

    await card.getByRole('checkbox', { name: 'flow.closed' }).check();
    await page.getByRole('status').getByText('Events saved.').waitFor();
    const [saved] = (await api(server.url, key, 'GET', '/api/v1/webhooks')).body.webhooks;
    expect(saved.events.sort()).toEqual(['flow.closed', 'participation.created']);

    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    await card.getByRole('button', { name: `Delete endpoint ${receiver.url}` }).click();
    await page.getByRole('dialog', { name: 'Delete this endpoint?' }).getByRole('button', { name: 'Delete endpoint', exact: true }).click();
    await page.getByText('No endpoints yet.', { exact: false }).waitFor();
    expect((await api(server.url, key, 'GET', '/api/v1/webhooks')).body.webhooks).toEqual([]);
    expect(console.problems).toEqual([]);
    await console.close();
  });
});
