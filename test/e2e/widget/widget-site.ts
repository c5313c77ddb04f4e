import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../support/chromium.js';
import { EVENT_RECORDER, startHostSite, type HostSite } from './host-site.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import type { RunningServer } from '../../../runtime/server.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';

/*
 * The widget tests' shared world against the real server: PostgreSQL, the server, a shop's site
 * on another origin (allowed for the workspace), the workspace's API key and one Chromium. A test
 * file calls `useWidgetSite(flows)` once at its top level; the bindings below are live.
 */

export let storage: TestStorage;
export let server: RunningServer;
export let browser: Browser;
export let workspace: Workspace;
export let key: string;
/** The marketing site: a plain web server on another port than Parley's. */
export let site: HostSite;

/** The browser contexts opened by `openShopChat` in the current test, closed after it. */
const contexts: BrowserContext[] = [];

/** What `openShopChat` puts on the shop's page. */
export interface ShopChatOptions {
  /** The page's language and the widget's `data-locale` (default `en`). */
  readonly locale?: string;
  /** The chat's title, which names its dialog (default `Shop chat`). */
  readonly title?: string;
  /** More `data-*` attributes of the script tag, e.g. `data-datalayer="true"`. */
  readonly attributes?: string;
  /** The browser's own locale (`en-US`: a date field asks for the month first), else Chromium's. */
  readonly browserLocale?: string;
  /** Called with the page before it loads (to watch its requests). */
  readonly before?: (page: Page) => void;
}

/**
 * A visitor on a new page of the shop's site (another origin than Parley's) whose one widget for
 * `flow` is open, in a fresh browser that records the page's `parley:*` events (see
 * `recordedEvents`); the browser closes after the test, or earlier through `context`.
 */
export async function openShopChat(flow: string, options: ShopChatOptions = {}): Promise<{ page: Page; dialog: Locator; context: BrowserContext }> {
  const { locale = 'en', title = 'Shop chat' } = options;
  const path = `/${flow}-${site.pages.size}`;
  site.pages.set(path, `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1>
<script src="${server.url}/widget.js" data-workspace="${workspace.id}" data-flow="${flow}" data-title="${title}" data-open="true" data-locale="${locale}"${options.attributes ? ` ${options.attributes}` : ''}></script></body></html>`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...(options.browserLocale && { locale: options.browserLocale }) });
  contexts.push(context);
  await context.addInitScript(EVENT_RECORDER);
  const page = await context.newPage();
  options.before?.(page);
  await page.goto(`${site.origin}${path}`);
  return { page, dialog: page.getByRole('dialog', { name: title }), context };
}

/** Sets the world up before the file's tests, with `flows` saved through the admin API by slug, and tears it down after them. */
export function useWidgetSite(flows: Readonly<Record<string, unknown>>): void {
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  beforeAll(async () => {
    storage = await createTestStorage();
    server = await startTestServer(storage);
    site = await startHostSite();
    expect(site.origin).not.toBe(new URL(server.url).origin);
    workspace = await createWorkspace(storage, { name: 'Shop', allowedOrigins: [site.origin] });
    key = (await issueApiKey(storage.db, workspace.id)).key;
    for (const [slug, document] of Object.entries(flows)) {
      const saved = await api(server.url, key, 'PUT', `/api/v1/flows/${slug}`, document);
      expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    site?.close();
    await server?.close();
    await storage?.destroy();
  });
}
