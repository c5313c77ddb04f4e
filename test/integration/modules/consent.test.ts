import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { tablesContaining } from '../../support/find-text.js';
import { waitUntil } from '../../support/wait-until.js';
import { startSmtpPeer, type ReceivedMail, type SmtpPeer } from '../../support/peers/smtp-peer.js';
import { createLogger } from '../../../runtime/logger.js';
import type { ParleyError } from '../../../core/errors.js';
import { consentConfirmRoute } from '../../../runtime/http/consent-confirm-route.js';
import { registerConsentMailWorker, sendConsentMail } from '../../../runtime/mail/consent-mail-job.js';
import { createConfirmation } from '../../../storage/consent-repository.js';
import { inTransaction } from '../../../storage/store-context.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { getMailSettings, readMailTransport, saveMailSettings } from '../../../storage/mail-settings.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import type { Workspace } from '../../../storage/workspace-repository.js';

const SMTP_USER = 'parley-mailer';
const SMTP_PASSWORD = 'smtp-S3cret-7f9d2a';
const logger = createLogger('silent');

let storage: TestStorage;
let peer: SmtpPeer;
let http: Server;
let publicUrl: string;

beforeAll(async () => {
  storage = await createTestStorage();
  peer = await startSmtpPeer({ credentials: { user: SMTP_USER, password: SMTP_PASSWORD } });
  const app = express();
  app.use(consentConfirmRoute({ storage, logger }));
  http = createServer(app).listen(0, '127.0.0.1');
  await once(http, 'listening');
  publicUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  await registerConsentMailWorker(storage, { publicUrl, logger, pollingIntervalSeconds: 0.5 });
});

afterAll(async () => {
  http?.close();
  http?.closeAllConnections();
  await storage?.destroy();
  await peer?.stop();
});

function newsletter(consent: Record<string, unknown> = {}) {
  return {
    name: 'Newsletter',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'optin' },
      {
        id: 'optin',
        module: 'consent',
        config: {
          label: 'Send me the monthly newsletter',
          termsUrl: 'https://brand.example/terms',
          termsLabel: 'Terms',
          doubleOptIn: true,
          confirmSubject: 'Confirm your subscription',
          confirmText: 'Hello {{email}},\nplease confirm here: {{link}}\nThanks.',
          acceptedText: 'Thanks!',
          declinedText: 'No problem.',
          pendingText: 'Check your inbox to confirm',
          ...consent,
        },
        next: 'bye',
      },
      { id: 'bye', module: 'message', config: { text: 'Bye' } },
    ],
  };
}

async function mailReadyWorkspace(): Promise<Awaited<ReturnType<typeof flowSetup>>> {
  const setup = await flowSetup(storage);
  await saveMailSettings(storage, setup.workspace.id, {
    host: peer.host, port: peer.port, security: 'none', user: SMTP_USER, password: SMTP_PASSWORD, from: 'news@brand.example', fromName: 'Brand News',
  });
  return setup;
}

async function consentRows(workspace: Workspace) {
  return (await listStoreRows(storage, workspace.id, 'consents')).rows;
}

async function sessionOptIn(sessionId: string): Promise<unknown> {
  const found = await sql<{ v: unknown }>`select variables -> 'is_optin' as v from chat_sessions where id = ${sessionId}`.execute(storage.db);
  return found.rows[0]?.v;
}

/**
 * The error pg-boss stored for the workspace's consent mail job once it is waiting for a retry.
 * pg-boss reports this through its tables only, so this polls them (bounded), not a sleep in the assertion.
 */
async function failedAttemptOutput(workspace: Workspace): Promise<unknown> {
  const found = await waitUntil(async () => {
    const rows = await sql<{ output: unknown }>`
      select j.output from pgboss.job j join consent_confirmations k on k.id::text = j.data ->> 'confirmationId'
      where j.name = 'consent-mail' and k.workspace_id = ${workspace.id} and j.state = 'retry'`.execute(storage.db);
    return rows.rows[0];
  }, { what: 'the consent mail job to fail and wait for a retry', intervalMs: 25 });
  return found.output;
}

/**
 * Resolves once some session of this test's database waits on an advisory lock (bounded polling
 * of pg_locks, which lists every database's: other test files run beside this one).
 */
async function waitForBlockedAdvisoryLock(): Promise<void> {
  await waitUntil(async () => {
    const found = await sql<{ n: string }>`
      select count(*) as n from pg_locks
      where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`.execute(storage.db);
    return Number(found.rows[0]!.n) > 0;
  }, { what: 'someone to wait for the advisory lock', intervalMs: 25 });
}

function linkIn(mail: ReceivedMail): { url: string; token: string } {
  const match = new RegExp(`${publicUrl}/consents/confirm/([A-Za-z0-9_-]{43})`).exec(mail.text);
  if (!match) throw new Error('no confirmation link in the mail');
  return { url: match[0], token: match[1]! };
}

async function visit(url: string): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

describe('consent module', () => {
  it('refuses double opt-in when the flow is saved without mail settings, or with storage off', async () => {
    const { workspace } = await flowSetup(storage);
    const error = (await saveTestFlow(storage, workspace, 'news', newsletter()).catch((e: ParleyError) => e)) as ParleyError;
    expect({ code: error.code, path: error.path, message: error.message }).toEqual({
      code: 'config_invalid', path: '/steps/1/config/doubleOptIn', message: 'Double opt-in needs the workspace mail (SMTP) settings',
    });
    await expect(saveTestFlow(storage, workspace, 'plain', newsletter({ doubleOptIn: false }))).resolves.toMatchObject({ slug: 'plain' });

    const off = await flowSetup(storage, { workspace: { storageEnabled: false } });
    await saveMailSettings(storage, off.workspace.id, { host: peer.host, port: peer.port, security: 'none', from: 'news@brand.example' });
    const refused = (await saveTestFlow(storage, off.workspace, 'news', newsletter()).catch((e: ParleyError) => e)) as ParleyError;
    expect([refused.code, refused.path]).toEqual(['storage_disabled', '/steps/1/config/doubleOptIn']);

    const badText = (await saveTestFlow(storage, workspace, 'x', newsletter({ confirmText: 'no link here' })).catch((e: ParleyError) => e)) as ParleyError;
    expect([badText.code, badText.path]).toEqual(['config_invalid', '/steps/1/config/confirmText']);
  });

  it('double opt-in: stored as 1, a real mail carries the link, one click makes it 2, a second click says already confirmed', async () => {
    const { workspace, visitor } = await mailReadyWorkspace();
    await saveTestFlow(storage, workspace, 'news', newsletter());
    const v = visitor('news');
    await v.start();
    const asked = await v.answer('Ann.Optin@Example.org');
    expect(asked.input).toEqual({ kind: 'consent', label: 'Send me the monthly newsletter', termsUrl: 'https://brand.example/terms', termsLabel: 'Terms', required: false });
    const done = await v.answer(true);
    expect(v.texts(done)).toEqual(['Thanks!', 'Check your inbox to confirm', 'Bye']);

    const [row] = await consentRows(workspace);
    expect(row!.data).toMatchObject({ is_optin: 1, terms_url: 'https://brand.example/terms', step_id: 'optin', double_opt_in: true });
    expect(row!.data.label_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.personal).toEqual({ email: 'ann.optin@example.org' });
    expect(await sessionOptIn(v.sessionId)).toBe(1);

    const mail = await peer.nextMessage();
    expect(mail.to).toEqual(['ann.optin@example.org']);
    expect(mail.from).toBe('news@brand.example');
    expect(mail.user).toBe(SMTP_USER);
    expect(mail.subject).toBe('Confirm your subscription');
    expect(mail.headers.from).toBe('Brand News <news@brand.example>');
    const { url, token } = linkIn(mail);
    expect(mail.text).toBe(`Hello ann.optin@example.org,\nplease confirm here: ${url}\nThanks.`);

    const jobs = await sql<{ data: unknown }>`select data from pgboss.job where name = 'consent-mail'`.execute(storage.db);
    expect(jobs.rows.length).toBeGreaterThan(0);
    for (const job of jobs.rows) expect(Object.keys(job.data as object)).toEqual(['confirmationId']);
    expect(await tablesContaining(storage.db, 'ann.optin@example.org')).toEqual([]);
    expect(await tablesContaining(storage.db, token)).toEqual([]);
    expect(await tablesContaining(storage.db, SMTP_PASSWORD)).toEqual([]);

    const first = await visit(url);
    expect(first.status).toBe(200);
    expect(first.type).toBe('text/html; charset=utf-8');
    expect(first.text).toContain('Thanks, your subscription is confirmed.');
    expect(first.text).not.toContain(token);
    const [confirmed] = await consentRows(workspace);
    expect(confirmed!.data).toMatchObject({ is_optin: 2, confirmed_at: storage.clock.now().toISOString() });

    const second = await visit(url);
    expect([second.status, second.text.includes('was already confirmed')]).toEqual([200, true]);
    expect((await consentRows(workspace))[0]!.data.is_optin).toBe(2);
    const sealed = await sql<{ n: string }>`select count(*) as n from consent_confirmations where token_sealed is not null or message_sealed is not null`.execute(storage.db);
    expect(Number(sealed.rows[0]!.n)).toBe(0);
  });

  it('declining is recorded as 0 and queues no mail; a reply that is not a boolean is refused', async () => {
    const { workspace, visitor } = await mailReadyWorkspace();
    await saveTestFlow(storage, workspace, 'news', newsletter());
    const v = visitor('news');
    await v.start();
    await v.answer('bob@example.org');
    const refused = await v.send('yes please');
    expect(refused).toEqual({ ok: false, error: { code: 'validation_failed', message: 'Please accept or decline', path: '/value' } });
    const done = await v.answer('false');
    expect(v.texts(done)).toEqual(['No problem.', 'Bye']);
    const [row] = await consentRows(workspace);
    expect(row!.data).toMatchObject({ is_optin: 0, double_opt_in: false });
    expect(await sessionOptIn(v.sessionId)).toBe(0);
    const confirmations = await sql<{ n: string }>`select count(*) as n from consent_confirmations where consent_id = ${row!.id}`.execute(storage.db);
    expect(Number(confirmations.rows[0]!.n)).toBe(0);
  });

  it('a required consent refuses a decline and records nothing until accepted', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'rules', newsletter({ doubleOptIn: false, required: true }));
    const v = visitor('rules');
    await v.start();
    await v.answer('carol@example.org');
    expect(v.turn?.input).toMatchObject({ kind: 'consent', required: true });
    expect(await v.send(false)).toEqual({ ok: false, error: { code: 'validation_failed', message: 'You need to accept to continue', path: '/value' } });
    expect(await consentRows(workspace)).toEqual([]);
    await v.answer(true);
    expect((await consentRows(workspace)).map((r) => r.data.is_optin)).toEqual([1]);
  });

  it('a mail the SMTP server refuses is retried by the queue, and the stored failure names no recipient', async () => {
    const { workspace, visitor } = await mailReadyWorkspace();
    await saveTestFlow(storage, workspace, 'news', newsletter());
    peer.rejectNext(1);
    const v = visitor('news');
    await v.start();
    await v.answer('dave.retry@example.org');
    await v.answer(true);
    const failed = await failedAttemptOutput(workspace);
    expect(failed).toMatchObject({ message: 'The confirmation mail could not be sent', code: 'destination_failed' });
    expect(JSON.stringify(failed)).not.toContain('dave.retry');
    expect(await tablesContaining(storage.db, 'dave.retry@example.org')).toEqual([]);
    const mail = await peer.nextMessage();
    expect(mail.to).toEqual(['dave.retry@example.org']);
    const jobs = await sql<{ retry_count: number }>`
      select j.retry_count from pgboss.job j join consent_confirmations k on k.id::text = j.data ->> 'confirmationId'
      where j.name = 'consent-mail' and k.workspace_id = ${workspace.id}`.execute(storage.db);
    expect(jobs.rows.map((j) => j.retry_count >= 1)).toEqual([true]);
    expect(await tablesContaining(storage.db, 'dave.retry@example.org')).toEqual([]);
  });

  it('a mail job that starts before the turn commits waits for it; after a rollback it sends nothing', async () => {
    const { workspace } = await mailReadyWorkspace();
    const deps = { publicUrl, logger };
    const pendingTurn = async (email: string, end: 'commit' | 'rollback') => {
      let opened!: (id: string) => void;
      let release!: () => void;
      const created = new Promise<string>((resolve) => (opened = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      const turn = inTransaction(storage, async (trx) => {
        const row = await writeStoreRow(trx, workspace.id, { table: 'consents', moduleId: 'consent', defaultRetentionDays: 30, data: { is_optin: 1 }, personal: { email }, subject: email });
        if (!row.stored) throw new Error('not stored');
        opened(await createConfirmation(trx, workspace.id, { consentId: row.id, message: { subject: 'S', text: 'Go {{link}}' }, expiresAt: new Date(storage.clock.now().getTime() + 86_400_000) }));
        await gate;
        if (end === 'rollback') throw new Error('turn failed');
      }).catch((error: Error) => error.message);
      const sending = sendConsentMail(storage, deps, await created);
      await waitForBlockedAdvisoryLock();
      release();
      return { sending, turn };
    };

    const committed = await pendingTurn('frank@example.org', 'commit');
    expect(await committed.sending).toBe('sent');
    expect((await peer.nextMessage()).to).toEqual(['frank@example.org']);

    const rolledBack = await pendingTurn('gina@example.org', 'rollback');
    expect(await rolledBack.turn).toBe('turn failed');
    expect(await rolledBack.sending).toBe('skipped');
    expect(peer.messages.some((m) => m.to.includes('gina@example.org'))).toBe(false);
  });

  it('an expired link answers 410 and leaves the consent at 1; an unknown one 404', async () => {
    const { workspace, visitor } = await mailReadyWorkspace();
    await saveTestFlow(storage, workspace, 'news', newsletter());
    const v = visitor('news');
    await v.start();
    await v.answer('erin@example.org');
    await v.answer(true);
    const { url, token } = linkIn(await peer.nextMessage());
    const before = storage.clock.now();
    storage.clock.advance(7 * 86_400_000 + 1000);
    try {
      const expired = await visit(url);
      expect(expired.status).toBe(410);
      expect(expired.text).toContain('This link has expired or was already used.');
      expect((await consentRows(workspace))[0]!.data.is_optin).toBe(1);
    } finally {
      storage.clock.set(before);
    }
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect((await visit(`${publicUrl}/consents/confirm/${flipped}`)).status).toBe(404);
    const hostile = await visit(`${publicUrl}/consents/confirm/%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    expect(hostile.status).toBe(404);
    expect(hostile.text).not.toContain('<script>');
  });

  it('keeps the SMTP password sealed: settings read back without it, the mailer gets it decrypted', async () => {
    const { workspace } = await mailReadyWorkspace();
    expect(await getMailSettings(storage, workspace.id)).toEqual({
      host: peer.host, port: peer.port, security: 'none', user: SMTP_USER, from: 'news@brand.example', fromName: 'Brand News', hasPassword: true,
    });
    await saveMailSettings(storage, workspace.id, { host: 'smtp.brand.example', port: 587, security: 'starttls', user: SMTP_USER, from: 'news@brand.example' });
    expect(await readMailTransport(storage, workspace.id)).toMatchObject({ host: 'smtp.brand.example', password: SMTP_PASSWORD });
    await saveMailSettings(storage, workspace.id, { host: 'smtp.brand.example', port: 587, security: 'starttls', user: SMTP_USER, password: null, from: 'news@brand.example' });
    expect(await getMailSettings(storage, workspace.id)).toMatchObject({ hasPassword: false });
    const bad = (await saveMailSettings(storage, workspace.id, { host: 'smtp.brand.example', port: 70000, security: 'starttls', from: 'x' }).catch((e: ParleyError) => e)) as ParleyError;
    expect([bad.code, bad.path]).toEqual(['config_invalid', '/port']);
    expect(await tablesContaining(storage.db, SMTP_PASSWORD)).toEqual([]);
  });
});
