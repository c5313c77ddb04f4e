import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../support/chromium.js';
import { startFakeGateway, type FakeGateway } from './fake-gateway.js';

/** What a widget test file drives: the fake gateway, and host pages opened in Chromium. */
export interface FakeGatewayBrowser {
  readonly gateway: FakeGateway;
  /** Opens a host page served by the gateway at `path`, in a fresh browser context (one per test). */
  openPage(path: string, html: string, options?: { hash?: string; viewport?: { width: number; height: number } }): Promise<Page>;
  /** Closes the current page's context before the test opens another one. */
  closePage(): Promise<void>;
}

/**
 * Starts one fake gateway and one Chromium for the calling test file (closed after it), and
 * closes each test's browser context after the test.
 */
export function useFakeGatewayBrowser(): FakeGatewayBrowser {
  let gateway: FakeGateway | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const closePage = async () => {
    await context?.close();
    context = undefined;
  };
  beforeAll(async () => {
    gateway = await startFakeGateway();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });
  afterEach(closePage);
  return {
    get gateway() {
      if (!gateway) throw new Error('The fake gateway starts before the first test');
      return gateway;
    },
    async openPage(path, html, options = {}) {
      context = await browser!.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(gateway!.page(path, html) + (options.hash ?? ''));
      return page;
    },
    closePage,
  };
}
