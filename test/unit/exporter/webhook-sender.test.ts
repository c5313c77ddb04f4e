import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../../../exporter/webhooks/webhook-sender.js';

let server: Server;
let base: string;
let hits = 0;
const held: Array<() => void> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits += 1;
    req.resume();
    if (req.url === '/ok') return void res.writeHead(204).end();
    if (req.url === '/moved') return void res.writeHead(302, { location: '/ok' }).end();
    if (req.url === '/big') return void res.writeHead(500).end('x'.repeat(200_000));
    // /slow: headers sent, the body never finishes.
    res.writeHead(200);
    res.write('partial');
    held.push(() => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const release of held) release();
  await new Promise((resolve) => server.close(resolve));
});

/** Posts to the local server; the default timeout is one no answer of a loaded machine reaches (only /slow must time out). */
const post = (path: string, options: { allowPrivate?: boolean; timeoutMs?: number } = {}) =>
  postWebhook({ url: `${base}${path}`, body: '{}', headers: { 'Content-Type': 'application/json' }, timeoutMs: options.timeoutMs ?? 30_000, allowPrivate: options.allowPrivate ?? true });

describe('one webhook POST', () => {
  it('is a success on 2xx, and keeps only the status of a failure (never its body)', async () => {
    expect(await post('/ok')).toEqual({ ok: true, status: 204 });
    expect(await post('/big')).toEqual({ ok: false, status: 500, error: 'HTTP 500' });
  });

  it('never follows a redirect', async () => {
    const before = hits;
    expect(await post('/moved')).toEqual({ ok: false, status: 302, error: 'HTTP 302: redirects are not followed' });
    expect(hits).toBe(before + 1);
  });

  it('gives up at the timeout, even with the response started', async () => {
    expect(await post('/slow', { timeoutMs: 300 })).toMatchObject({ ok: false, error: 'Timed out' });
  });

  it('refuses a private address before connecting unless private targets are allowed', async () => {
    const before = hits;
    expect(await post('/ok', { allowPrivate: false })).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/^Refused/) });
    expect(await postWebhook({ url: `${base.replace('127.0.0.1', 'localhost')}/ok`, body: '{}', headers: {}, timeoutMs: 5_000, allowPrivate: false })).toMatchObject({ ok: false, error: expect.stringMatching(/^Refused/) });
    expect(hits).toBe(before);
  });
});
