import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { FILE_MESSAGE_ID_HEADER, FILE_NAME_HEADER, MAX_UPLOAD_BYTES, fileSizeLimitMessage, type ReplyAck } from '../../core/chat-protocol.js';
import type { Clock } from '../../core/clock.js';
import { ParleyError } from '../../core/errors.js';
import type { UploadedFile } from '../../core/module-contract.js';
import { findSessionByToken } from '../../storage/session-repository.js';
import type { StoreContext } from '../../storage/store-context.js';
import type { FlowEngine } from '../engine/flow-engine.js';
import type { Metrics } from '../metrics/metrics.js';
import { addressKey, clientAddress } from './client-address.js';
import { AddressLimiter } from './address-limiter.js';
import { originAllowed } from './page-origin.js';
import { UUID_TEXT } from '../../core/ids.js';

export interface FileReplyOptions {
  readonly engine: FlowEngine;
  readonly storage: StoreContext;
  readonly clock: Clock;
  readonly metrics?: Metrics;
  /** Files one address may send per minute. */
  readonly perMinute: number;
  /** Files this process receives at once (each held in memory until its reply is done); beyond it 503. */
  readonly maxInFlight: number;
  readonly trustedProxyHops: number;
}

const PATH = '/chat/:workspace/:flow/files';
const FLOW = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const TOKEN = /^Bearer ([A-Za-z0-9_-]{20,100})$/;
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', FILE_MESSAGE_ID_HEADER, FILE_NAME_HEADER].join(', ');

/** What the checks before the body leave for the reply. */
interface Checked {
  readonly sessionId: string;
  readonly clientMessageId: string;
  readonly name: string;
  readonly declaredType: string;
  /** The most bytes the body may have: the waiting step's limit when known. */
  readonly limit: number;
}

function fail(res: Response, error: ParleyError): void {
  res.status(error.status).json({ error: error.toBody() });
}

/** The page's Origin may embed this workspace's flows: answers carry CORS headers for it. */
async function allowPage(req: Request, res: Response, options: FileReplyOptions): Promise<{ workspaceId: string; flowId: string }> {
  const { workspace, flow } = req.params as { workspace: string; flow: string };
  if (!UUID_TEXT.test(workspace) || !FLOW.test(flow)) throw new ParleyError('not_found', 'No such flow');
  const entry = await options.engine.loadEntry(workspace, flow);
  if (!entry?.flow) throw new ParleyError('not_found', 'No such flow');
  const origin = req.get('origin');
  if (!originAllowed(origin, req.get('host'), entry.workspace.allowedOrigins, req.get('sec-fetch-site'))) {
    throw new ParleyError('forbidden', 'This page is not allowed to embed this flow');
  }
  if (origin) res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
  return { workspaceId: entry.workspace.id, flowId: entry.flow.id };
}

function fileName(req: Request): string {
  const sent = req.get(FILE_NAME_HEADER);
  if (sent === undefined || sent.length > 1000) throw new ParleyError('validation_failed', 'The file name is missing or too long', { path: `/headers/${FILE_NAME_HEADER}` });
  try {
    return decodeURIComponent(sent);
  } catch {
    throw new ParleyError('validation_failed', 'The file name is not percent-encoded UTF-8', { path: `/headers/${FILE_NAME_HEADER}` });
  }
}

/**
 * `POST /chat/{workspace}/{flow}/files`: a file answering the `file` input a session waits for
 * (chat-protocol's `fileUploadPath` says what the request carries). Everything is checked before
 * the body is read: the page's Origin, the per-address budget, the session's resume token, that
 * the session waits for a file, the size announced against that step's limit, and how many files
 * the process is receiving (each is held in memory, two to three times its size while it is
 * received, sealed and written, so at most `maxInFlight` at once). The file then goes to the engine as the session's reply, exactly once per
 * `X-Parley-Message-Id`, and the answer is the reply's `ReplyAck`, as over the socket. A
 * browser's preflight (`OPTIONS`) is answered for allowed pages only.
 */
export function fileReplyRoute(options: FileReplyOptions): Router {
  const router = Router();
  const limiter = new AddressLimiter({ perMinute: options.perMinute, clock: options.clock });
  let inFlight = 0;

  router.options(PATH, async (req, res) => {
    try {
      await allowPage(req, res, options);
      res.set({ 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': ALLOWED_HEADERS, 'Access-Control-Max-Age': '600' }).status(204).end();
    } catch (error) {
      fail(res, error instanceof ParleyError ? error : new ParleyError('internal', 'Internal error'));
    }
  });

  const check = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const { workspaceId, flowId } = await allowPage(req, res, options);
    const address = clientAddress(req.socket.remoteAddress, req.get('x-forwarded-for'), options.trustedProxyHops);
    if (!limiter.take(address === null ? 'unknown' : addressKey(address))) throw new ParleyError('rate_limited', 'Too many files were sent from your network in the last minute; please try again shortly');
    const announced = Number(req.get('content-length') ?? 0);
    if (announced > MAX_UPLOAD_BYTES) throw new ParleyError('payload_too_large', `A file has at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
    const token = TOKEN.exec(req.get('authorization') ?? '')?.[1];
    if (!token) throw new ParleyError('unauthorized', 'The session token is missing');
    const clientMessageId = req.get(FILE_MESSAGE_ID_HEADER) ?? '';
    if (clientMessageId.length < 1 || clientMessageId.length > 100) throw new ParleyError('validation_failed', 'The message id is missing or too long', { path: `/headers/${FILE_MESSAGE_ID_HEADER}` });
    const name = fileName(req);
    const session = await findSessionByToken(options.storage, token, workspaceId, flowId);
    if (!session) throw new ParleyError('not_found', 'This chat session has expired; reload to start again');
    // What the session waits for, as its last turn asked (the step itself checks the file again);
    // a retry of a reply already taken gets that reply's turn back from the engine, unchecked.
    const input = session.recentReplies.some((reply) => reply.id === clientMessageId) ? undefined : session.lastTurn?.input;
    if (input !== undefined && input?.kind !== 'file') throw new ParleyError('conflict', 'This step does not take a file');
    const limit = input?.maxBytes ?? MAX_UPLOAD_BYTES;
    if (announced > limit) throw new ParleyError('payload_too_large', fileSizeLimitMessage(limit));
    if (inFlight >= options.maxInFlight) {
      res.set('Retry-After', '2');
      throw new ParleyError('unavailable', 'Too many files are being received; please try again in a moment');
    }
    inFlight += 1;
    res.once('close', () => (inFlight -= 1));
    res.locals.checked = { sessionId: session.id, clientMessageId, name, declaredType: req.get('content-type') ?? '', limit } satisfies Checked;
    next();
  };

  router.post(
    PATH,
    (req, res, next) => void check(req, res, next).catch(next),
    (req, res, next) => express.raw({ type: () => true, limit: (res.locals.checked as Checked).limit })(req, res, next),
    async (req, res) => {
      const checked = res.locals.checked as Checked;
      const content: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const file: UploadedFile = { kind: 'file', name: checked.name, declaredType: checked.declaredType, content };
      const end = options.metrics?.turnSeconds.startTimer();
      const ack: ReplyAck = await options.engine.reply(checked.sessionId, { clientMessageId: checked.clientMessageId, value: file });
      end?.();
      options.metrics?.chatTurns.inc({ outcome: ack.ok ? 'ok' : 'invalid' });
      res.set('Cache-Control', 'no-store').json(ack);
    },
  );
  return router;
}
