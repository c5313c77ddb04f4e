import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { api, startTestServer } from '../support/test-server.js';
import { connectChat } from '../support/chat-client.js';
import { startSmtpPeer, type SmtpPeer } from '../support/peers/smtp-peer.js';
import type { RunningServer } from '../../runtime/server.js';
import { issueApiKey } from '../../storage/api-key-repository.js';
import { saveMailSettings } from '../../storage/mail-settings.js';
import { createWorkspace, type Workspace } from '../../storage/workspace-repository.js';

const ORIGIN = 'https://shop.example';
let storage: TestStorage;
let server: RunningServer;
let peer: SmtpPeer;
let browser: Browser;
let workspace: Workspace;
let key: string;

beforeAll(async () => {
  storage = await createTestStorage();
  peer = await startSmtpPeer();
  server = await startTestServer(storage);
  browser = await launchChromium();
  workspace = await createWorkspace(storage, { name: 'Newsletter', allowedOrigins: [ORIGIN] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  await saveMailSettings(storage, workspace.id, { host: peer.host, port: peer.port, security: 'none', from: 'news@brand.example' });
  const saved = await api(server.url, key, 'PUT', '/api/v1/flows/news', {
    name: 'Newsletter',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'optin' },
      { id: 'optin', module: 'consent', config: { label: 'Send me the newsletter', doubleOptIn: true } },
    ],
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await peer?.stop();
  await storage?.destroy();
});

describe('the withdrawal page of a double opt-in mail (real server, real mail, real Chromium)', () => {
  it('asks first, withdraws at the press of its button, and says so on a second visit', async () => {
    const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'news' }, { origin: ORIGIN });
    expect((await chat.reply('gil@example.org')).ok).toBe(true);
    expect((await chat.reply(true)).ok).toBe(true);
    chat.close();
    const mail = await peer.nextMessage();
    const path = /\/consents\/withdraw\/[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0];
    expect(path).toBeDefined();

    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { name: 'Withdraw your consent' }).waitFor();
      const lookUp = async () => (await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email: 'gil@example.org' })).body.rows.find((r: { table: string }) => r.table === 'consents');
      expect((await lookUp()).data.is_optin).toBe(1);
      await page.getByRole('button', { name: 'Withdraw my consent' }).click();
      await page.getByRole('heading', { name: 'Consent withdrawn' }).waitFor();
      expect((await lookUp()).data).toMatchObject({ is_optin: 0, withdrawn_level: 1 });
      await page.goto(`${server.url}${path}`);
      await page.getByRole('button', { name: 'Withdraw my consent' }).click();
      await page.getByRole('heading', { name: 'Already withdrawn' }).waitFor();
    } finally {
      await page.close();
    }
  });
});
