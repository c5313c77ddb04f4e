import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { api } from './test-server.js';

/** One request a receiver got: headers and the exact bytes of the body. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  /** The status the receiver answered. */
  readonly answered: number;
}

/** A test server's webhook settings: private targets allowed (receivers are on 127.0.0.1), a one-second backoff base, a fast drain. */
export const WEBHOOK_TEST_ENV = Object.freeze({ PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true', PARLEY_WEBHOOK_RETRY_DELAY_SECONDS: '1', PARLEY_WEBHOOK_DRAIN_MS: '100' });

/**
 * A partner's webhook receiver: a plain `node:http` server on 127.0.0.1 that records raw bodies
 * (so a signature is checked over the bytes sent) and answers the statuses of `answers` in turn,
 * then 200.
 */
export async function startWebhookReceiver(answers: readonly number[] = []): Promise<{ url: string; requests: ReceivedRequest[]; close(): Promise<void> }> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answered = answers[requests.length] ?? 200;
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody: Buffer.concat(chunks), answered });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'receiver error: a long body the delivery log must not keep');
    });
  });
  return { ...(await listening(server, '/hooks/parley')), requests };
}

/** `server` listening on a free port of 127.0.0.1: the URL of `path` on it, and how to close it. */
async function listening(server: Server, path: string): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${path}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * A partner's receiver that takes requests and answers none until `release`: `held` counts the
 * requests it holds, `abandoned` those the sender gave up on (its timeout) while held.
 */
export async function startHoldingReceiver(): Promise<{ url: string; held(): number; abandoned(): number; release(): void; close(): Promise<void> }> {
  const waiting: Array<() => void> = [];
  let held = 0;
  let abandoned = 0;
  let released = false;
  const server: Server = createServer((req, res) => {
    req.resume();
    held += 1;
    res.on('close', () => {
      if (!res.writableEnded) abandoned += 1;
    });
    const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (released) answer();
    else waiting.push(answer);
  });
  return {
    ...(await listening(server, '/hooks/held')),
    held: () => held,
    abandoned: () => abandoned,
    release: () => {
      released = true;
      for (const answer of waiting.splice(0)) answer();
    },
  };
}

/** The errors of a delivery body against what the served OpenAPI document's `webhooks` entry for `type` says (none: it conforms). */
export async function undocumentedDelivery(serverUrl: string, type: string, body: unknown): Promise<unknown> {
  const document = (await api(serverUrl, undefined, 'GET', '/api/v1/openapi.json')).body;
  const ajv = new Ajv({ strict: false, allErrors: true });
  (ajvFormats.default as unknown as (a: Ajv) => Ajv)(ajv);
  const documented = ajv.compile(document.webhooks[type].post.requestBody.content['application/json'].schema);
  return documented(body) ? [] : documented.errors;
}
