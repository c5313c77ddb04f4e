import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isForbiddenAddress } from './address-guard.js';

/** How one POST ended; `error` is a short text for the delivery log (never the response body). */
export type SendOutcome = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly status: number | null; readonly error: string };

export interface SendRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** The operator allows private targets (otherwise every resolved address is checked). */
  readonly allowPrivate: boolean;
}

/** The reason a connection failed, as a short text for the delivery log. */
function describe(error: NodeJS.ErrnoException, timedOut: boolean): string {
  if (timedOut) return 'Timed out';
  if (error.code === 'EFORBIDDENTARGET') return 'Refused: the host resolves to a private, loopback or reserved address';
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return 'The host name does not resolve';
  if (error.code === 'ECONNREFUSED') return 'Connection refused';
  if (error.code === 'ECONNRESET') return 'Connection reset';
  return error.code ? `Connection failed (${error.code})` : 'Connection failed';
}

/**
 * POSTs one webhook: a 2xx answer is success; redirects are not followed (a 3xx is a failure);
 * the response body is drained and dropped; the whole attempt is bounded by `timeoutMs`. Unless
 * private targets are allowed, the address connected to is checked after resolution.
 */
export function postWebhook(request: SendRequest): Promise<SendOutcome> {
  const url = new URL(request.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!request.allowPrivate && isIP(host) && isForbiddenAddress(host)) {
    return Promise.resolve({ ok: false, status: null, error: 'Refused: the URL points at a private, loopback or reserved address' });
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let timedOut = false;
    let settled = false;
    const settle = (outcome: SendOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = client.request(url, {
      method: 'POST',
      headers: { ...request.headers, 'Content-Length': String(Buffer.byteLength(request.body)) },
      ...(!request.allowPrivate && { lookup: guardedLookup }),
      timeout: request.timeoutMs,
      agent: false,
    });
    const abort = () => {
      timedOut = true;
      req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    };
    const timer = setTimeout(abort, request.timeoutMs);
    req.on('timeout', abort);
    req.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, status: null, error: describe(error, timedOut) }));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      res.on('end', () => {
        if (status >= 200 && status < 300) settle({ ok: true, status });
        else if (status >= 300 && status < 400) settle({ ok: false, status, error: `HTTP ${status}: redirects are not followed` });
        else settle({ ok: false, status, error: `HTTP ${status}` });
      });
      res.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, status, error: describe(error, timedOut) }));
      // A body cut off (or never finished before the timeout) ends the attempt all the same.
      res.on('close', () => settle({ ok: false, status, error: timedOut ? 'Timed out' : 'The response was cut off' }));
    });
    req.end(request.body);
  });
}
