import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';

/** A plain web server on another port: the marketing site, another origin than Parley's. */
export interface HostSite {
  readonly origin: string;
  /** The HTML served at each path (404 for the rest). */
  readonly pages: Map<string, string>;
  close(): void;
}

export async function startHostSite(): Promise<HostSite> {
  const pages = new Map<string, string>();
  const site = createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(html ?? 'not found');
  });
  site.listen(0, '127.0.0.1');
  await once(site, 'listening');
  return { origin: `http://127.0.0.1:${(site.address() as AddressInfo).port}`, pages, close: () => site.close() };
}

/** An init script that records every parley:* event from the very start of the page. */
export const EVENT_RECORDER = `
window.__events = [];
for (const name of ['ready', 'open', 'close', 'turn', 'answer', 'end', 'error', 'stamp']) {
  window.addEventListener('parley:' + name, (e) => window.__events.push({ type: e.type, detail: e.detail }));
}`;

export type RecordedEvent = { type: string; detail: Record<string, unknown> };

/** What `EVENT_RECORDER` recorded so far. */
export const recordedEvents = (page: Page): Promise<RecordedEvent[]> => page.evaluate(() => (window as unknown as { __events: RecordedEvent[] }).__events);
