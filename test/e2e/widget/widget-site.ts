import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../support/chromium.js';
import { startHostSite, type HostSite } from './host-site.js';
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

/** Sets the world up before the file's tests, with `flows` saved through the admin API by slug, and tears it down after them. */
export function useWidgetSite(flows: Readonly<Record<string, unknown>>): void {
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
