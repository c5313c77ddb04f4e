import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { startTestServer } from '../support/test-server.js';
import { startUpgradeBlockingProxy } from '../support/upgrade-blocking-proxy.js';
import { waitUntil } from '../support/wait-until.js';
import { WEBSOCKET_TIMEOUT_MS } from '../../widget/chat/chat-connection.js';
import type { RunningServer } from '../../runtime/server.js';
import { seedDemo } from '../../runtime/seed-demo.js';
import { listStoreRows } from '../../storage/store-reader.js';

let storage: TestStorage;
let server: RunningServer;
let browser: Browser;
let workspaceId: string;

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  workspaceId = (await seedDemo(storage, server.flows))!.workspaceId;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await storage?.destroy();
});

describe('the demo page in real Chromium against the real server', () => {
  it('walks the Red path by accessible names, stores the rows with their expiry, and resumes after a reload', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/demo`);
    await page.getByRole('button', { name: 'Red pill' }).click();
    const rules = page.getByRole('link', { name: 'Read the rules' });
    await rules.waitFor();
    expect(await rules.getAttribute('href')).toBe('https://example.org/rules');
    await page.getByRole('button', { name: 'Continue' }).click();

    const email = page.getByRole('textbox', { name: 'Email' });
    await email.waitFor();
    // A reload mid-flow resumes the same session at the same step.
    await page.reload();
    await page.getByRole('textbox', { name: 'Email' }).fill('neo@example.org');
    await page.getByRole('button', { name: 'Send' }).click();

    await page.getByRole('checkbox', { name: 'I agree to receive news from the Demo brand' }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText("You're in the draw").waitFor();

    const now = storage.clock.now().getTime();
    for (const table of ['participations', 'consents', 'variables'] as const) {
      const rows = (await listStoreRows(storage, workspaceId, table)).rows;
      expect(rows, table).toHaveLength(1);
      expect(rows[0]!.expiresAt.getTime(), table).toBeGreaterThan(now);
    }
    const participation = (await listStoreRows(storage, workspaceId, 'participations')).rows[0]!;
    expect(participation.personal).toMatchObject({ email: 'neo@example.org' });
    expect(participation.expiresAt.getTime() - participation.createdAt.getTime()).toBe(60 * 86_400_000);
    expect((await listStoreRows(storage, workspaceId, 'consents')).rows[0]!.data).toMatchObject({ is_optin: 1 });
    const sessions = await storage.db.selectFrom('chat_sessions').select('id').where('workspace_id', '=', workspaceId).execute();
    expect(sessions).toHaveLength(1);
    await context.close();
  });
});

/**
 * The demo page at `origin`, with the socket.io traffic the page makes: long-polling requests and
 * WebSockets opened. `fakeClock`: the page's timers run on Playwright's clock (flowing as real
 * time does until a test moves it on).
 */
async function openDemo(origin: string, options: { fakeClock?: boolean } = {}): Promise<{ page: Page; polling: string[]; websockets: string[]; failed: string[]; close(): Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (options.fakeClock) await page.clock.install();
  const polling: string[] = [];
  const websockets: string[] = [];
  const failed: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('transport=polling')) polling.push(request.url());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  // Requests Playwright does not report (the page's icon) show as console errors when they fail.
  page.on('console', (message) => {
    if (message.type() === 'error') failed.push(message.text());
  });
  page.on('websocket', (socket) => websockets.push(socket.url()));
  await page.goto(`${origin}/demo`);
  return { page, polling, websockets, failed, close: () => context.close() };
}

/** Takes the Blue pill and waits for the email question: two turns delivered. */
async function converse(page: Page, timeout?: number): Promise<void> {
  await page.getByRole('button', { name: 'Blue pill' }).click(timeout === undefined ? {} : { timeout });
  await page.getByRole('textbox', { name: 'Email' }).waitFor();
}

describe('how the widget reaches the gateway, in real Chromium against the real server', () => {
  it('opens a WebSocket at once and sends no long-polling request; no request of the page fails (its icon included)', async () => {
    const demo = await openDemo(server.url);
    await converse(demo.page);
    expect(demo.websockets.length).toBeGreaterThanOrEqual(1);
    expect(demo.websockets.every((url) => url.includes('transport=websocket'))).toBe(true);
    expect(demo.polling).toEqual([]);
    expect(demo.failed).toEqual([]);
    await demo.close();
  });

  it('answers a reply sent while the connection was down once it is back (re-sent on connecting, before the start turn)', async () => {
    const demo = await openDemo(server.url);
    await demo.page.getByRole('button', { name: 'Blue pill' }).waitFor();
    // The server closes every chat socket; the widget connects again 250 ms later.
    server.io.of('/chat').disconnectSockets(true);
    await demo.page.getByRole('button', { name: 'Blue pill' }).click();
    await demo.page.getByRole('textbox', { name: 'Email' }).waitFor();
    await demo.close();
  });

  it('chats over long-polling behind a proxy that refuses WebSocket handshakes', async () => {
    const proxy = await startUpgradeBlockingProxy(Number(new URL(server.url).port), 'refuse');
    try {
      const demo = await openDemo(proxy.url);
      await converse(demo.page);
      expect(proxy.blocked()).toBeGreaterThanOrEqual(1);
      expect(demo.polling.length).toBeGreaterThan(0);
      await demo.close();
    } finally {
      await proxy.stop();
    }
  });

  it(`behind a proxy that holds WebSocket handshakes unanswered, takes long-polling once the page's clock has run ${WEBSOCKET_TIMEOUT_MS / 1000} s (not socket.io's 20)`, async () => {
    const proxy = await startUpgradeBlockingProxy(Number(new URL(server.url).port), 'hang');
    try {
      const demo = await openDemo(proxy.url, { fakeClock: true });
      await waitUntil(() => proxy.blocked() >= 1, { what: 'the WebSocket handshake to reach the proxy' });
      expect(demo.polling).toEqual([]);
      // Past the widget's WebSocket timeout at once; with socket.io's 20 s the held attempt would
      // still wait some 13 s of page time after it, more than the 8 s the conversation gets.
      await demo.page.clock.runFor(WEBSOCKET_TIMEOUT_MS + 1_000);
      await converse(demo.page, 8_000);
      expect(demo.polling.length).toBeGreaterThan(0);
      await demo.close();
    } finally {
      await proxy.stop();
    }
  }, 60_000);
});
