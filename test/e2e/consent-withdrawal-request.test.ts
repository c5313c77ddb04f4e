import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { connectChat } from '../support/chat-client.js';
import { ORIGIN, PUBLIC_URL, startConsentMailWorld, type ConsentMailWorld } from '../support/consent-mail-world.js';
import type { SmtpPeer } from '../support/peers/smtp-peer.js';
import type { TestStorage } from '../support/test-database.js';
import { api } from '../support/test-server.js';
import { waitUntil } from '../support/wait-until.js';
import type { RunningServer } from '../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../storage/workspace-repository.js';
import { issueApiKey } from '../../storage/api-key-repository.js';
import { WITHDRAWAL_MAILS } from '../../runtime/mail/withdrawal-mail.js';
import { rollUpThenSweep } from '../../runtime/sweep-job.js';

const LINK = /\/consents\/withdraw-all\/[A-Za-z0-9_-]{43}/;
let world: ConsentMailWorld;
let storage: TestStorage;
let server: RunningServer;
let peer: SmtpPeer;
let browser: Browser;
let workspace: Workspace;
let key: string;

beforeAll(async () => {
  world = await startConsentMailWorld({ news: false, deals: true });
  ({ storage, server, peer, browser, workspace, key } = world);
});
afterAll(async () => {
  await world?.stop();
});

/** A visitor gives `email` and accepts the flow's consent in the chat. */
async function consent(flow: string, email: string): Promise<void> {
  const chat = await connectChat(server.url, { workspace: workspace.id, flow }, { origin: ORIGIN });
  expect((await chat.reply(email)).ok).toBe(true);
  expect((await chat.reply(true)).ok).toBe(true);
  chat.close();
}

/** The consents stored for an address, as the Data subjects lookup shows them. */
async function consents(email: string): Promise<Array<Record<string, unknown>>> {
  const found = await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email });
  return found.body.rows.filter((r: { table: string }) => r.table === 'consents').map((r: { data: Record<string, unknown> }) => r.data);
}

const requestPage = (workspaceId = workspace.id) => `${server.url}/consents/request-withdrawal/${workspaceId}`;
const ask = (email: string, workspaceId?: string) =>
  fetch(requestPage(workspaceId), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email }).toString() });

describe('asking for a withdrawal link by mail (real server, real mail; the pages in real Chromium)', () => {
  it('a person who opted in (single or double) asks on the page, gets the link at the address they consented with, and its button withdraws every consent of that address', async () => {
    await consent('news', 'Gil@Example.org');
    await consent('deals', 'gil@example.org');
    const confirmation = await peer.nextMessage();
    expect(confirmation.subject).not.toBe(WITHDRAWAL_MAILS.en.subject);
    await consent('news', 'hal@example.org');

    const page = await browser.newPage();
    try {
      await page.goto(requestPage());
      await page.getByRole('heading', { name: 'Withdraw your consent' }).waitFor();
      await page.getByLabel('Your email address').fill('  GIL@example.org ');
      await page.getByRole('button', { name: 'Mail me the link' }).click();
      await page.getByRole('heading', { name: 'Check your mail' }).waitFor();

      const mail = await peer.nextMessage();
      // Sent to the address kept with the latest consent, never to what was typed on the page.
      expect(mail.to).toEqual(['gil@example.org']);
      const path = LINK.exec(mail.text)?.[0];
      expect([mail.subject, mail.text]).toEqual([WITHDRAWAL_MAILS.en.subject, WITHDRAWAL_MAILS.en.text.replace('{{link}}', `${PUBLIC_URL}${path}`)]);
      // The job held ids only, and the request keeps no sealed token once the mail is out.
      const jobs = await sql<{ data: Record<string, unknown> }>`select data from pgboss.job where name = 'consent-mail' and data ? 'withdrawalRequestId'`.execute(storage.db);
      expect(jobs.rows.map((row) => Object.keys(row.data))).toEqual([['withdrawalRequestId']]);
      const unsent = async () => (await sql<{ token_sealed: Buffer | null }>`select token_sealed from consent_withdrawal_requests where mailed_at is null`.execute(storage.db)).rows;
      await waitUntil(async () => (await unsent()).length === 0, { what: 'the mail to be marked sent' });
      expect((await sql`select token_sealed from consent_withdrawal_requests`.execute(storage.db)).rows).toEqual([{ token_sealed: null }]);

      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { name: 'Withdraw your consents' }).waitFor();
      expect((await consents('gil@example.org')).map((c) => c.is_optin).sort()).toEqual([1, 1]);
      await page.getByRole('button', { name: 'Withdraw my consents' }).click();
      await page.getByRole('heading', { name: 'Consents withdrawn' }).waitFor();
      expect(await consents('gil@example.org')).toEqual(
        expect.arrayContaining([expect.objectContaining({ is_optin: 0, withdrawn_level: 1 }), expect.objectContaining({ is_optin: 0, withdrawn_level: 1 })]),
      );
      expect(await consents('hal@example.org')).toEqual([expect.objectContaining({ is_optin: 1 })]);
      await page.goto(`${server.url}${path}`);
      await page.getByRole('button', { name: 'Withdraw my consents' }).click();
      await page.getByRole('heading', { name: 'Already withdrawn' }).waitFor();
    } finally {
      await page.close();
    }
  });

  it('tells nobody who consented, mails one link per address every ten minutes, refuses a bad address without echoing it, and the link lasts a day', async () => {
    storage.clock.advance(60_000);
    const requests = async () => (await sql`select 1 from consent_withdrawal_requests`.execute(storage.db)).rows.length;
    const before = await requests();
    await consent('news', 'ivy@example.org');
    const sent = await ask('ivy@example.org');
    const told = await sent.text();
    expect([sent.status, told.includes('Check your mail')]).toEqual([200, true]);
    // An address without a consent, and the same address again at once: the same answer, no mail.
    for (const email of ['nobody@example.org', 'ivy@example.org']) {
      const again = await ask(email);
      expect([again.status, await again.text()]).toEqual([200, told]);
    }
    const first = await peer.nextMessage();
    expect(first.to).toEqual(['ivy@example.org']);
    // One request was made (and is marked mailed once the peer has taken its mail).
    await waitUntil(async () => (await sql`select 1 from consent_withdrawal_requests where mailed_at is null`.execute(storage.db)).rows.length === 0, { what: 'the mail to be marked sent' });
    expect(await requests()).toBe(before + 1);

    const bad = await ask('<b>not-an-address</b>');
    const badPage = await bad.text();
    expect([bad.status, badPage.includes('That is not an email address.'), badPage.includes('not-an-address')]).toEqual([400, true, false]);

    // Ten minutes on, a second link goes out; the first still works for the rest of its day.
    storage.clock.advance(10 * 60_000 + 1);
    expect((await ask('ivy@example.org')).status).toBe(200);
    const second = await peer.nextMessage();
    const [firstLink, secondLink] = [LINK.exec(first.text)![0], LINK.exec(second.text)![0]];
    expect(firstLink).not.toBe(secondLink);
    storage.clock.advance(24 * 3_600_000 - 10 * 60_000 - 2);
    expect((await fetch(`${server.url}${firstLink}`, { method: 'HEAD' })).status).toBe(200);
    expect(await consents('ivy@example.org')).toEqual([expect.objectContaining({ is_optin: 1 })]);
    storage.clock.advance(1);
    const expired = await fetch(`${server.url}${firstLink}`, { method: 'POST' });
    expect([expired.status, (await expired.text()).includes('This link has expired.')]).toEqual([410, true]);
    const used = await fetch(`${server.url}${secondLink}`, { method: 'POST' });
    expect([used.status, (await used.text()).includes('Your consents are withdrawn.')]).toEqual([200, true]);

    // The sweep deletes requests past their day (they hold an address's hash).
    storage.clock.advance(24 * 3_600_000);
    await rollUpThenSweep(storage, { now: storage.clock.now(), batchSize: 1_000, sources: [] });
    expect((await sql`select id from consent_withdrawal_requests`.execute(storage.db)).rows).toEqual([]);
    expect((await fetch(`${server.url}${secondLink}`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${server.url}/consents/withdraw-all/not-a-token`)).status).toBe(404);
  });

  it('is there only for a workspace that sends mail, at the public address the API names, and one network may ask five times a minute', async () => {
    // The address to link from the privacy policy is the server's public one, as in the mails.
    expect((await api(server.url, key, 'GET', '/api/v1/workspace')).body.withdrawalPage).toBe(`${PUBLIC_URL}/consents/request-withdrawal/${workspace.id}`);
    const quiet = await createWorkspace(storage, { name: 'No mail', allowedOrigins: [ORIGIN] });
    const quietKey = (await issueApiKey(storage.db, quiet.id)).key;
    expect((await api(server.url, quietKey, 'GET', '/api/v1/workspace')).body.withdrawalPage).toBeNull();
    for (const id of [quiet.id, '00000000-0000-4000-8000-000000000000', 'not-a-workspace']) {
      expect((await fetch(requestPage(id))).status).toBe(404);
      expect((await ask('gil@example.org', id)).status).toBe(404);
    }
    storage.clock.advance(60_000);
    const statuses = [];
    for (let n = 0; n < 5; n += 1) statuses.push((await ask(`nobody${n}@example.org`)).status);
    const limited = await ask('nobody@example.org');
    expect([...statuses, limited.status]).toEqual([200, 200, 200, 200, 200, 429]);
    expect(await limited.text()).toContain('Too many requests came from your network');
  });

  it('speaks the browser’s language among the widget’s five (English otherwise), and says which', async () => {
    const inLanguage = async (acceptLanguage: string, url = requestPage()) => {
      const response = await fetch(url, { headers: { 'accept-language': acceptLanguage } });
      const html = await response.text();
      return [response.headers.get('content-language'), response.headers.get('vary'), /<html lang="(\w+)">/.exec(html)?.[1], /<h1>([^<]*)<\/h1>/.exec(html)?.[1], /<button[^>]*>([^<]*)</.exec(html)?.[1]];
    };
    expect(await inLanguage('de-DE,de;q=0.9,en;q=0.5')).toEqual(['de', 'Accept-Language', 'de', 'Einwilligung widerrufen', 'Link zusenden']);
    expect(await inLanguage('ja, fr;q=0.8')).toEqual(['fr', 'Accept-Language', 'fr', 'Retirer votre consentement', 'M’envoyer le lien']);
    expect(await inLanguage('ja')).toEqual(['en', 'Accept-Language', 'en', 'Withdraw your consent', 'Mail me the link']);
    expect(await inLanguage('it', `${server.url}/consents/withdraw-all/${'A'.repeat(43)}`)).toEqual(['it', 'Accept-Language', 'it', 'Revoca i consensi', 'Revoca i miei consensi']);
    storage.clock.advance(60_000);
    const refused = await fetch(requestPage(), { method: 'POST', headers: { 'accept-language': 'es', 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=nope' });
    expect([refused.status, (await refused.text()).includes('Eso no es una dirección de correo electrónico.')]).toEqual([400, true]);
    // Asked in German, the link comes in German.
    await consent('news', 'lea@example.org');
    const asked = await fetch(requestPage(), { method: 'POST', headers: { 'accept-language': 'de', 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=lea%40example.org' });
    expect((await asked.text()).includes('Sehen Sie in Ihr Postfach')).toBe(true);
    const mail = await peer.nextMessage();
    const link = LINK.exec(mail.text)![0];
    expect([mail.to, mail.subject, mail.text]).toEqual([['lea@example.org'], 'Einwilligung widerrufen', WITHDRAWAL_MAILS.de.text.replace('{{link}}', `${PUBLIC_URL}${link}`)]);
  });

  it('erasing a person erases their requests too: their mailed link then names nothing', async () => {
    storage.clock.advance(60_000);
    await consent('news', 'jo@example.org');
    expect((await ask('jo@example.org')).status).toBe(200);
    const link = LINK.exec((await peer.nextMessage()).text)![0];
    const pending = async () => (await sql`select 1 from consent_withdrawal_requests r where r.expires_at > ${storage.clock.now()}`.execute(storage.db)).rows.length;
    const before = await pending();
    expect((await api(server.url, key, 'POST', '/api/v1/subjects/erasure', { email: 'jo@example.org' })).status).toBe(200);
    expect(await pending()).toBe(before - 1);
    expect((await fetch(`${server.url}${link}`, { method: 'POST' })).status).toBe(404);
  });
});
