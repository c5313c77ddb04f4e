import { io, type Socket } from 'socket.io-client';
import type { ProtocolError, Reply, ReplyAck, SessionInfo, Turn } from '../../core/chat-protocol.js';
import { newClientMessageId } from './client-message-id.js';
import { readDeviceInfo, type DeviceInfo } from './device-info.js';
import { createReplyOutbox } from './reply-outbox.js';
import type { ResumeStore } from './resume-store.js';

/** Where the connection stands, as the visitor should be told. */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'unavailable';

/**
 * The handshake `auth` the widget sends. `workspace`, `flow` and `resumeToken` are in
 * chat-protocol.ts; `device` and `startedAt` are extra facts for the gateway's statistics.
 */
export interface HandshakeAuth {
  readonly workspace: string;
  readonly flow: string;
  readonly resumeToken?: string;
  readonly device: DeviceInfo;
  /** ISO 8601 time the visitor started this conversation (kept across reloads). */
  readonly startedAt: string;
  /** Host-page variables for a new session (the server ignores them when resuming). */
  readonly variables?: Readonly<Record<string, string>>;
  /** A console preview token: the new session is marked preview. */
  readonly preview?: string;
}

/** What the connection reports to the widget. */
export interface ConnectionEvents {
  state(state: ConnectionState): void;
  session(info: SessionInfo): void;
  turn(turn: Turn): void;
  /** The acknowledgement of a reply, delivered once per reply even if it was sent twice. */
  ack(reply: Reply, ack: ReplyAck): void;
  /** The server refused the handshake or could not start the session. */
  refused(error: ProtocolError): void;
}

/** Where and as whom to connect. */
export interface ConnectionTarget {
  readonly origin: string;
  readonly socketPath: string;
  readonly workspace: string;
  readonly flow: string;
  readonly resume: ResumeStore;
  /** Read at every handshake, so variables set late still reach a new session. */
  readonly variables: () => Readonly<Record<string, string>>;
  /** A console preview token, sent with every handshake. */
  readonly preview?: string;
  /** Milliseconds without a turn or reply after which the socket closes until the next reply (0: never; see `openChatConnection`). */
  readonly idleMs?: number;
}

/** One widget's link to the gateway. */
export interface ChatConnection {
  /** Sends a reply with a fresh `clientMessageId`; it is re-sent with that id until acknowledged. */
  send(value: string | boolean): Reply;
  /** Forgets the session and starts a new one. */
  restart(): void;
  close(): void;
}

const NAMESPACE = '/chat';
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * How the widget reaches the gateway: a WebSocket at once, HTTP long-polling only where that
 * fails (`tryAllTransports`: a refused or broken WebSocket makes the same attempt go on over
 * long-polling). socket.io's default starts every conversation with long-polling requests and
 * upgrades later: against the real server with the demo conversation, 2.68 ms of the server's
 * CPU per conversation against 1.51 ms (100 visitors: 297 conversations a second against 527), and
 * the first turn after 10.8 ms against 6.7 ms for one visitor alone (bench/widget-transport-bench.ts).
 * The chat benchmarks' visitors connect with these options.
 */
export const CHAT_TRANSPORTS = { transports: ['websocket', 'polling'], tryAllTransports: true } as const;

/**
 * The transports after an attempt that timed out (a WebSocket that a network left hanging
 * instead of refusing it): long-polling first, then an upgrade when one works, as socket.io
 * does by default, for the rest of the page's life.
 */
const CLASSIC_TRANSPORTS = ['polling', 'websocket'];

/**
 * How long an attempt's WebSocket may go unanswered before the widget takes long-polling, until
 * one attempt has timed out (socket.io's connect timeout, which covers the transport's handshake
 * only; after it, `CLASSIC_TIMEOUT_MS` with long-polling first). A network that
 * holds WebSocket handshakes instead of refusing them (some corporate proxies) kept the visitor
 * waiting socket.io's default 20 s before the first turn. A WebSocket handshake is the TCP and TLS
 * handshakes and one HTTP round trip: under 2 s even at a 400 ms round trip. One that takes
 * longer on a working network only costs the page the classic path (long-polling, then the upgrade).
 */
export const WEBSOCKET_TIMEOUT_MS = 5_000;

/** The connect timeout once long-polling goes first: socket.io's default, for slow networks. */
const CLASSIC_TIMEOUT_MS = 20_000;

function isAck(value: unknown): value is ReplyAck {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

/** The code and path of a server refusal; anything else is `unavailable`. */
function protocolError(value: unknown): ProtocolError {
  if (typeof value !== 'object' || value === null) return { code: 'unavailable', message: '' };
  const { code, message, path } = value as Record<string, unknown>;
  return {
    code: typeof code === 'string' ? code : 'unavailable',
    message: typeof message === 'string' ? message : '',
    ...(typeof path === 'string' && { path }),
  };
}

/**
 * Opens the socket.io connection to `/chat` and keeps it alive, resuming the stored session.
 * After `target.idleMs` without a turn, a reply or an answer to one, it closes the socket
 * (a visitor who walked away holds no connection on the server) and opens it again, resuming
 * the session, when the visitor replies: the reply waits in the outbox and goes out on connecting.
 */
export function openChatConnection(target: ConnectionTarget, events: ConnectionEvents): ChatConnection {
  const outbox = createReplyOutbox();
  let startedAt = target.resume.load()?.startedAt ?? new Date().toISOString();
  let everConnected = false;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Closed for idleness: the next reply connects again. */
  let idle = false;

  const handshake = (): HandshakeAuth => {
    const resumeToken = target.resume.load()?.resumeToken;
    const variables = target.variables();
    return {
      workspace: target.workspace,
      flow: target.flow,
      ...(resumeToken && { resumeToken }),
      device: readDeviceInfo(),
      startedAt,
      ...(Object.keys(variables).length > 0 && { variables }),
      ...(target.preview && { preview: target.preview }),
    };
  };

  const socket: Socket = io(`${target.origin}${NAMESPACE}`, {
    path: target.socketPath,
    auth: (cb) => cb({ ...handshake() }),
    autoConnect: false,
    transports: [...CHAT_TRANSPORTS.transports],
    tryAllTransports: CHAT_TRANSPORTS.tryAllTransports,
    timeout: WEBSOCKET_TIMEOUT_MS,
  });

  /** Connects again after the server closed the socket or refused it; socket.io does not retry those itself. */
  const retryLater = (): void => {
    if (closed || retryTimer !== undefined) return;
    const delay = Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** Math.min(failures, 7));
    failures += 1;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (!closed && !socket.connected) socket.connect();
    }, delay);
  };

  /** Something happened on the conversation: the idle countdown starts again. */
  const active = (): void => {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = undefined;
    if (closed || !target.idleMs) return;
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      // A reply still waiting for its answer keeps the socket; so does a connection socket.io is
      // still trying to restore (the visitor is told it reconnects, and it should).
      if (outbox.pending().length > 0 || !socket.connected) return active();
      idle = true;
      socket.disconnect();
    }, target.idleMs);
  };

  const emit = (reply: Reply): void => {
    socket.emit('reply', reply, (ack: unknown) => {
      active();
      if (!outbox.settle(reply.clientMessageId)) return;
      const safe: ReplyAck = isAck(ack) ? ack : { ok: false, error: { code: 'internal', message: '' } };
      events.ack(reply, safe);
    });
  };

  socket.on('connect', () => {
    everConnected = true;
    active();
    events.state('connected');
    for (const reply of outbox.pending()) emit(reply);
  });
  // The start turn carries the session (see chat-protocol.ts).
  socket.on('turn', (turn: Turn, info?: SessionInfo) => {
    active();
    if (info) {
      failures = 0;
      target.resume.save({ resumeToken: info.resumeToken, sessionId: info.sessionId, startedAt });
      events.session(info);
    }
    events.turn(turn);
  });
  socket.on('chat_error', (error: unknown) => events.refused(protocolError(error)));
  socket.on('disconnect', (reason) => {
    if (closed || reason === 'io client disconnect') return;
    events.state('reconnecting');
    if (reason === 'io server disconnect') retryLater();
  });
  socket.on('connect_error', (error: Error & { data?: unknown }) => {
    if (closed) return;
    if (error.data !== undefined) events.refused(protocolError(error.data));
    // socket.io's own connect timeout: nothing answered, not even a refusal (see CLASSIC_TRANSPORTS).
    else if (error.message === 'timeout') {
      socket.io.opts.transports = [...CLASSIC_TRANSPORTS];
      socket.io.timeout(CLASSIC_TIMEOUT_MS);
    }
    // After a first success the visitor only needs to know the widget is on it; before, whether it can work at all.
    if (everConnected) events.state('reconnecting');
    else events.state(socket.active ? 'connecting' : 'unavailable');
    if (!socket.active) retryLater();
  });

  events.state('connecting');
  socket.connect();

  return {
    send(value) {
      const reply: Reply = { clientMessageId: newClientMessageId(), value };
      outbox.add(reply);
      if (socket.connected) emit(reply);
      else if (idle) {
        idle = false;
        socket.connect();
      }
      return reply;
    },
    restart() {
      idle = false;
      outbox.clear();
      target.resume.clear();
      startedAt = new Date().toISOString();
      socket.disconnect();
      events.state('connecting');
      socket.connect();
    },
    close() {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      socket.disconnect();
    },
  };
}
