import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type { Metrics } from '../metrics/metrics.js';
import { CHAT_NAMESPACE, MAX_FRAME_BYTES, type ProtocolError, type ReplyAck } from '../../core/chat-protocol.js';
import type { ChatEntry, FlowEngine } from '../engine/flow-engine.js';
import { ParleyError, toParleyError } from '../../core/errors.js';
import type { Logger } from '../logger.js';
import { compileSchema, validateOrThrow } from '../../core/schema-validator.js';
import { assertJsonInput } from '../http/api/json-limits.js';
import { deviceFacts } from './device-facts.js';
import { initialVariables, type InitialVariables } from '../engine/initial-variables.js';
import { TokenBucket } from './rate-limiter.js';
import { handshakeLimitMiddleware, type HandshakeLimitOptions } from './handshake-limiter.js';
import { databaseUnavailable } from '../../storage/database-errors.js';
import type { StoreContext } from '../../storage/store-context.js';
import { verifyPreviewToken } from './preview-token.js';
import { originAllowed } from './page-origin.js';

const validateAuth = compileSchema<{ workspace: string; flow: string; resumeToken?: string; preview?: string }>({
  type: 'object',
  required: ['workspace', 'flow'],
  properties: {
    workspace: { type: 'string', format: 'uuid' },
    flow: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
    resumeToken: { type: 'string', pattern: '^[A-Za-z0-9_-]{20,100}$' },
    preview: { type: 'string', maxLength: 400, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' },
    device: { type: 'object' },
    startedAt: { type: 'string', maxLength: 40 },
  },
});

const validateReply = compileSchema<{ clientMessageId: string; value: string | boolean }>({
  type: 'object',
  additionalProperties: false,
  required: ['clientMessageId', 'value'],
  properties: {
    clientMessageId: { type: 'string', minLength: 1, maxLength: 100 },
    value: { type: ['string', 'boolean'], maxLength: 10_000 },
  },
});

function protocolError(error: unknown): ProtocolError {
  const e = databaseUnavailable(error) ?? toParleyError(error);
  return { code: e.code, message: e.message, ...(e.path && { path: e.path }) };
}

/**
 * Holds an accepted websocket upgrade's writes until the event loop's check phase: the HTTP 101
 * answer (ws) and engine.io's `open` packet (sent once its handshake's promise has settled, so
 * after the tick's `nextTick` callbacks) then leave in one write instead of two. Called from
 * engine.io's `headers` event, just before the 101 is written: an upgrade that engine.io refuses
 * writes its 400 and destroys the socket at once, which would drop a corked answer.
 */
function writeUpgradeTogether(_headers: unknown, request: IncomingMessage): void {
  if (request.headers.upgrade === undefined) return;
  const socket = request.socket;
  socket.cork();
  setImmediate(() => socket.uncork());
}

export interface ChatGatewayOptions {
  readonly engine: FlowEngine;
  readonly storage: StoreContext;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Broadcast adapter across processes (socket.io's PostgreSQL adapter). */
  readonly adapter?: ServerOptions['adapter'];
  /** Replies per second a socket may send, with a burst of twice that. */
  readonly repliesPerSecond?: number;
  /** Per-address handshake budget, checked before anything touches the database. */
  readonly handshakeLimit?: HandshakeLimitOptions;
}

/**
 * The realtime gateway: socket.io namespace `/chat`. The handshake names workspace and flow
 * (and a resume token); the page's Origin must be allowed by the workspace. A console preview
 * also sends a preview token the admin API signed (preview-token.ts): only then is the session
 * marked preview, so a visitor cannot mark itself. Frames over 16 KB
 * close only the offending socket; every reply is validated and rate limited, and errors come
 * back as `{code, message, path}` while the session goes on.
 */
export function attachChatGateway(http: HttpServer, options: ChatGatewayOptions): Server {
  const io = new Server(http, {
    maxHttpBufferSize: MAX_FRAME_BYTES,
    cors: { origin: true, credentials: false },
    serveClient: false,
    ...(options.adapter && { adapter: options.adapter }),
  });
  io.engine.on('headers', writeUpgradeTogether);
  const chat = io.of(CHAT_NAMESPACE);
  if (options.handshakeLimit) chat.use(handshakeLimitMiddleware(options.handshakeLimit));

  chat.use(async (socket, next) => {
    try {
      assertJsonInput(socket.handshake.auth, '/auth');
      const auth = validateOrThrow(validateAuth, socket.handshake.auth, '/auth');
      const variables = initialVariables((socket.handshake.auth as { variables?: unknown }).variables, '/auth/variables');
      const entry = await options.engine.loadEntry(auth.workspace, auth.flow);
      const workspace = entry?.workspace;
      if (!workspace) throw new ParleyError('not_found', 'No such flow');
      const { origin, host } = socket.handshake.headers;
      if (!originAllowed(origin, host, workspace.allowedOrigins, socket.handshake.headers['sec-fetch-site'])) {
        throw new ParleyError('forbidden', 'This page is not allowed to embed this flow');
      }
      const preview = auth.preview !== undefined;
      if (auth.preview !== undefined) {
        const valid = entry.flow !== undefined && (await verifyPreviewToken(options.storage.keyring, auth.preview, workspace.id, entry.flow.id, options.storage.clock.now()));
        if (!valid) throw new ParleyError('forbidden', 'This preview has expired; open the preview again from the console');
      }
      socket.data.auth = { ...auth, variables, preview };
      socket.data.entry = entry;
      next();
    } catch (error) {
      const refusal = new Error(protocolError(error).message) as Error & { data: ProtocolError };
      refusal.data = protocolError(error);
      next(refusal);
    }
  });

  chat.on('connection', (socket: Socket) => {
    options.metrics?.activeSockets.inc();
    socket.once('disconnect', () => options.metrics?.activeSockets.dec());
    void startSession(socket, options);
  });
  return io;
}

/** A reply that waited for its session's start, which failed (see `startSession`). */
class StartFailed extends Error {
  constructor(cause: unknown) {
    super('The session did not start', { cause });
  }
}

/**
 * Starts (or resumes) the socket's session and answers its replies. The reply listener is
 * registered at once, before the session has started: a client may send as soon as it hears its
 * connection accepted (the widget re-sends the replies a lost connection left unanswered on
 * `connect`, before the start turn comes back), and socket.io drops an event nothing listens to.
 * Such a reply waits for the start, so it is answered after the start turn; when the start
 * fails, with the start's error (logged once, as the start's).
 */
async function startSession(socket: Socket, options: ChatGatewayOptions): Promise<void> {
  const auth = socket.data.auth as { workspace: string; flow: string; resumeToken?: string; device?: unknown; variables: InitialVariables; preview: boolean };
  const started = options.engine
    .start({
      workspaceId: auth.workspace,
      flowSlug: auth.flow,
      resumeToken: auth.resumeToken,
      device: deviceFacts(socket.handshake.headers, auth.device),
      ip: (socket.data.clientAddress as string | null | undefined) ?? (socket.handshake.address || null),
      variables: auth.variables,
      preview: auth.preview,
      entry: socket.data.entry as ChatEntry,
    })
    .then((session) => {
      socket.emit('turn', session.turn, session.session);
      return session.session.sessionId;
    });

  const rate = options.repliesPerSecond ?? 5;
  const bucket = new TokenBucket(rate * 2, rate);
  socket.on('reply', async (payload: unknown, ack: unknown) => {
    const respond = typeof ack === 'function' ? (ack as (a: ReplyAck) => void) : () => {};
    try {
      if (!bucket.take()) throw new ParleyError('rate_limited', 'Too many messages; wait a moment');
      assertJsonInput(payload); // the admin API's check: no U+0000 or lone surrogate reaches storage
      const reply = validateOrThrow(validateReply, payload, '');
      const sessionId = await started.catch((error: unknown) => {
        // The start's own failure: answered here, logged once (below), not again as the reply's.
        throw new StartFailed(error);
      });
      const end = options.metrics?.turnSeconds.startTimer();
      const ack = await options.engine.reply(sessionId, reply);
      end?.();
      options.metrics?.chatTurns.inc({ outcome: ack.ok ? 'ok' : 'invalid' });
      respond(ack);
    } catch (error) {
      const failure = protocolError(error instanceof StartFailed ? error.cause : error);
      options.metrics?.chatTurns.inc({ outcome: 'error' });
      if (failure.code === 'internal' && !(error instanceof StartFailed)) options.logger.error({ err: { message: (error as Error)?.message } }, 'reply failed');
      respond({ ok: false, error: failure });
    }
  });

  try {
    await started;
  } catch (error) {
    const failure = protocolError(error);
    if (failure.code === 'internal') options.logger.error({ err: { message: (error as Error)?.message } }, 'session start failed');
    socket.emit('chat_error', failure);
    socket.disconnect(true);
  }
}
