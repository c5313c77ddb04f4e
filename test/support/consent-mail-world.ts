import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium } from './chromium.js';
import { startSmtpPeer, type SmtpPeer } from './peers/smtp-peer.js';
import { createTestStorage, type TestStorage } from './test-database.js';
import { api, startTestServer } from './test-server.js';
import type { RunningServer } from '../../runtime/server.js';
import { issueApiKey } from '../../storage/api-key-repository.js';
import { saveMailSettings } from '../../storage/mail-settings.js';
import { createWorkspace, type Workspace } from '../../storage/workspace-repository.js';

/** The host page's origin the chats come from. */
export const ORIGIN = 'https://shop.example';
/** Where the mails' links point (the server answers on another port: the tests follow their paths). */
export const PUBLIC_URL = 'https://chat.brand.example';

/** A real server with its mail job, a real SMTP peer the workspace mails through, and real Chromium. */
export interface ConsentMailWorld {
  readonly storage: TestStorage;
  readonly server: RunningServer;
  readonly peer: SmtpPeer;
  readonly browser: Browser;
  readonly workspace: Workspace;
  /** An API key of the workspace. */
  readonly key: string;
  stop(): Promise<void>;
}

/**
 * Starts the world and saves one flow per entry of `flows` (slug → double opt-in or not): an
 * email capture, then a consent.
 */
export async function startConsentMailWorld(flows: Readonly<Record<string, boolean>>): Promise<ConsentMailWorld> {
  const storage = await createTestStorage();
  const peer = await startSmtpPeer();
  const server = await startTestServer(storage, { PARLEY_PUBLIC_URL: PUBLIC_URL });
  const browser = await launchChromium();
  const workspace = await createWorkspace(storage, { name: 'Shop', allowedOrigins: [ORIGIN] });
  const key = (await issueApiKey(storage.db, workspace.id)).key;
  await saveMailSettings(storage, workspace.id, { host: peer.host, port: peer.port, security: 'none', from: 'news@brand.example' });
  for (const [slug, doubleOptIn] of Object.entries(flows)) {
    const saved = await api(server.url, key, 'PUT', `/api/v1/flows/${slug}`, {
      name: slug,
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'optin' },
        { id: 'optin', module: 'consent', config: { label: `Send me the ${slug}`, doubleOptIn } },
      ],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  }
  return {
    storage, server, peer, browser, workspace, key,
    async stop() {
      await browser.close();
      await server.close();
      await peer.stop();
      await storage.destroy();
    },
  };
}
