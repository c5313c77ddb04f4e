import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { connectChat } from '../support/chat-client.js';
import { ORIGIN, PUBLIC_URL, startConsentMailWorld, type ConsentMailWorld } from '../support/consent-mail-world.js';
import type { SmtpPeer } from '../support/peers/smtp-peer.js';
import type { TestStorage } from '../support/test-database.js';
import { api } from '../support/test-server.js';
import type { RunningServer } from '../../runtime/server.js';
import type { Workspace } from '../../storage/workspace-repository.js';
import { DEFAULT_CONFIRM_TEXT } from '../../modules/consent/consent-config.js';

let world: ConsentMailWorld;
let storage: TestStorage;
let server: RunningServer;
let peer: SmtpPeer;
let browser: Browser;
let workspace: Workspace;
let key: string;

beforeAll(async () => {
  world = await startConsentMailWorld({ news: true });
  ({ storage, server, peer, browser, workspace, key } = world);
});
afterAll(async () => {
  await world?.stop();
});

describe('the withdrawal link of a double opt-in mail (real server, real mail; the page in real Chromium)', () => {
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

  it('the default mail carries both links: opening the withdrawal link only asks, its button withdraws (confirmed or not), and the confirmation link then stops working', async () => {
    const optIn = async (email: string) => {
      const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'news' }, { origin: ORIGIN });
      expect((await chat.reply(email)).ok).toBe(true);
      expect((await chat.reply(true)).ok).toBe(true);
      chat.close();
      const mail = await peer.nextMessage();
      const confirm = /\/consents\/confirm\/([A-Za-z0-9_-]{43})/.exec(mail.text)!;
      const withdraw = /\/consents\/withdraw\/([A-Za-z0-9_-]{43})/.exec(mail.text)!;
      expect(confirm[1]).toBe(withdraw[1]);
      expect(mail.text).toBe(DEFAULT_CONFIRM_TEXT.replace('{{link}}', `${PUBLIC_URL}${confirm[0]}`).replace('{{withdraw_link}}', `${PUBLIC_URL}${withdraw[0]}`));
      return { confirm: `${server.url}${confirm[0]}`, withdraw: `${server.url}${withdraw[0]}`, token: withdraw[1]! };
    };
    const consent = async (email: string) => (await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email })).body.rows.find((r: { table: string }) => r.table === 'consents').data;

    // Confirmed first, then withdrawn with the link: the row keeps its proof and reads 0.
    const ann = await optIn('ann@example.org');
    expect((await fetch(ann.confirm)).status).toBe(200);
    const asked = await fetch(ann.withdraw);
    const page = await asked.text();
    expect([asked.status, asked.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page).toContain('<form method="post" action=""><button type="submit">Withdraw my consent</button></form>');
    expect(page).not.toContain(ann.token);
    expect((await fetch(ann.withdraw, { method: 'HEAD' })).status).toBe(200);
    expect(await consent('ann@example.org')).toMatchObject({ is_optin: 2 });
    const posted = await fetch(ann.withdraw, { method: 'POST' });
    expect([posted.status, (await posted.text()).includes('Your consent is withdrawn.')]).toEqual([200, true]);
    expect(await consent('ann@example.org')).toMatchObject({ is_optin: 0, withdrawn_level: 2, withdrawn_at: storage.clock.now().toISOString(), confirmed_at: expect.any(String), label_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const again = await fetch(ann.withdraw, { method: 'POST' });
    expect([again.status, (await again.text()).includes('already withdrawn')]).toEqual([200, true]);

    // Withdrawn before confirming: the confirmation link has stopped working, and the row stays at 0.
    const bob = await optIn('bob@example.org');
    expect((await fetch(bob.withdraw, { method: 'POST' })).status).toBe(200);
    expect((await fetch(bob.confirm)).status).toBe(410);
    expect(await consent('bob@example.org')).toMatchObject({ is_optin: 0, withdrawn_level: 1 });

    expect((await fetch(`${server.url}/consents/withdraw/not-a-token`)).status).toBe(404);
    expect((await fetch(`${server.url}/consents/withdraw/${'A'.repeat(43)}`, { method: 'POST' })).status).toBe(404);
  });
});
