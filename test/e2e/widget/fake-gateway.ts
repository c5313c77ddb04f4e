import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import type { Reply, ReplyAck, SessionInfo, Turn } from '../../../core/chat-protocol.js';
import { buildWidgetBundle } from '../../../runtime/http/widget-bundle.js';
import { SCRIPTED_FLOWS, type ScriptedStep } from './scripted-flows.js';

export const TEST_WORKSPACE = 'ws-test';

/** One scripted session, kept per resume token. */
interface FakeSession {
  readonly info: SessionInfo;
  readonly flow: string;
  step: number;
  seq: number;
  readonly answers: Record<string, string | boolean>;
  /** Acks by clientMessageId: a re-sent reply gets the same answer and is not processed again. */
  readonly acks: Map<string, ReplyAck>;
}

/** A handshake as the fake saw it. */
export interface HandshakeRecord {
  readonly auth: Record<string, unknown>;
  readonly sessionId: string;
  readonly resumed: boolean;
}

/** A scripted `/chat` gateway over real HTTP and socket.io, serving the real widget bundle. */
export interface FakeGateway {
  readonly url: string;
  readonly handshakes: readonly HandshakeRecord[];
  /** Serves `html` at `path` and returns its URL. */
  page(path: string, html: string): string;
  /** How many times a reply with this id arrived, and how many times it was processed. */
  deliveries(clientMessageId: string): { received: number; processed: number };
  /** Resolves when a reply with this id has arrived `count` times. */
  waitForDelivery(clientMessageId: string, count: number): Promise<void>;
  /** The next reply is processed but its ack is withheld; resolves with its id. */
  holdNextAck(): Promise<string>;
  /** The next reply is answered with this protocol error, unprocessed. */
  failNextReply(code: string, message: string): void;
  /** Refuses new connections (middleware error) while `true`. */
  refuseConnections(refuse: boolean): void;
  /** Closes every `/chat` socket from the server side. */
  dropAll(): void;
  /** `/chat` sockets connected now. */
  connected(): number;
  close(): Promise<void>;
}

function turnOf(session: FakeSession): Turn {
  const steps = SCRIPTED_FLOWS[session.flow]!;
  const step: ScriptedStep = steps[session.step]!;
  return { seq: session.seq, stepId: step.id, messages: step.messages(session.answers), input: step.input, done: step.input === null };
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeGateway(): Promise<FakeGateway> {
  const bundle = await buildWidgetBundle();
  const pages = new Map<string, string>();
  const sessions = new Map<string, FakeSession>();
  const handshakes: HandshakeRecord[] = [];
  const received = new Map<string, number>();
  const processed = new Map<string, number>();
  const deliveryWaiters = new Set<{ id: string; count: number; resolve: () => void }>();
  let held: ((id: string) => void) | undefined;
  let failure: { code: string; message: string } | undefined;
  let refusing = false;

  const http: HttpServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const html = pages.get(path);
    if (path === '/widget.js') {
      res.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8' }).end(bundle);
    } else if (html !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  const io = new Server(http);
  const chat = io.of('/chat');

  chat.use((socket, next) => {
    const auth = socket.handshake.auth as Record<string, unknown>;
    const flow = typeof auth.flow === 'string' ? auth.flow : '';
    if (refusing || auth.workspace !== TEST_WORKSPACE || !SCRIPTED_FLOWS[flow]) return next(new Error('forbidden'));
    const token = typeof auth.resumeToken === 'string' ? auth.resumeToken : '';
    const existing = sessions.get(token);
    const resumed = existing !== undefined && existing.flow === flow;
    const session: FakeSession = resumed
      ? existing
      : { info: { sessionId: randomUUID(), resumeToken: randomUUID() }, flow, step: 0, seq: 0, answers: {}, acks: new Map() };
    sessions.set(session.info.resumeToken, session);
    handshakes.push({ auth, sessionId: session.info.sessionId, resumed });
    socket.data.session = session;
    next();
  });

  const answerReply = (session: FakeSession, reply: Reply): ReplyAck => {
    if (failure) {
      const error = failure;
      failure = undefined;
      return { ok: false, error };
    }
    const cached = session.acks.get(reply.clientMessageId);
    if (cached) return cached;
    processed.set(reply.clientMessageId, (processed.get(reply.clientMessageId) ?? 0) + 1);
    const step = SCRIPTED_FLOWS[session.flow]![session.step]!;
    const verdict = step.accept(reply.value);
    let ack: ReplyAck;
    if (verdict.ok) {
      session.answers[step.id] = reply.value;
      session.step += 1;
      session.seq += 1;
      ack = { ok: true, turn: turnOf(session) };
    } else {
      ack = verdict;
    }
    session.acks.set(reply.clientMessageId, ack);
    return ack;
  };

  chat.on('connection', (socket: Socket) => {
    const session = socket.data.session as FakeSession;
    socket.emit('turn', turnOf(session), session.info);
    socket.on('reply', (reply: Reply, ack: (answer: ReplyAck) => void) => {
      const id = reply.clientMessageId;
      received.set(id, (received.get(id) ?? 0) + 1);
      for (const waiter of deliveryWaiters) {
        if (waiter.id === id && received.get(id)! >= waiter.count) {
          deliveryWaiters.delete(waiter);
          waiter.resolve();
        }
      }
      const answer = answerReply(session, reply);
      if (held) {
        const release = held;
        held = undefined;
        release(id);
        return;
      }
      ack(answer);
    });
  });

  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  return {
    url,
    handshakes,
    page(path, html) {
      pages.set(path, html);
      return `${url}${path}`;
    },
    deliveries: (id) => ({ received: received.get(id) ?? 0, processed: processed.get(id) ?? 0 }),
    waitForDelivery(id, count) {
      if ((received.get(id) ?? 0) >= count) return Promise.resolve();
      return new Promise((resolve) => deliveryWaiters.add({ id, count, resolve }));
    },
    holdNextAck: () => new Promise((resolve) => (held = resolve)),
    failNextReply(code, message) {
      failure = { code, message };
    },
    refuseConnections(refuse) {
      refusing = refuse;
    },
    dropAll: () => chat.disconnectSockets(true),
    connected: () => chat.sockets.size,
    async close() {
      await io.close();
      http.closeAllConnections();
    },
  };
}
