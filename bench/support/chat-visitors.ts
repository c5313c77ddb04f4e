import { io, type Socket } from 'socket.io-client';
import { startBenchChild, type BenchChild } from './child-process.js';
import { generateMasterKey } from '../../storage/crypto/master-key.js';
import { CHAT_TRANSPORTS } from '../../widget/chat/chat-connection.js';

/**
 * One visitor's conversation, as the widget has it: connect (the handshake), receive the start
 * turn, answer the choice, answer the email (whose turn claims an instant win), disconnect.
 * Every delivered turn is counted, the start turn included; latencies are per turn in ms.
 */
export interface ConversationResult {
  readonly turns: number;
  readonly latencies: number[];
}

export interface VisitorTarget {
  readonly url: string;
  readonly auth: Record<string, unknown>;
  /** The replies of one conversation after its start turn (default: the demo flow's choice, then an email). */
  readonly replies?: (email: string) => readonly string[];
  /** socket.io's transports, tried in this order (default: the widget's, `CHAT_TRANSPORTS`). */
  readonly transports?: { readonly transports: readonly string[]; readonly tryAllTransports: boolean };
}

/** The demo flow's conversation: Blue pill, then the email whose turn claims an instant win. */
const DEMO_REPLIES = (email: string): readonly string[] => ['blue', email];

/** Turns of one conversation of `target`: the start turn and one per reply. */
export const turnsPerConversation = (target: VisitorTarget): number => 1 + (target.replies ?? DEMO_REPLIES)('').length;

let counter = 0;

function connect(target: VisitorTarget): Promise<Socket> {
  const transports = target.transports ?? CHAT_TRANSPORTS;
  const socket = io(`${target.url}/chat`, {
    auth: target.auth,
    transports: [...transports.transports],
    tryAllTransports: transports.tryAllTransports,
    reconnection: false,
    forceNew: true,
    extraHeaders: { origin: target.url },
  });
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      socket.close();
      reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
    };
    socket.once('connect_error', fail);
    socket.once('chat_error', fail);
    socket.once('turn', () => resolve(socket));
  });
}

function reply(socket: Socket, value: string): Promise<{ ok: boolean }> {
  counter += 1;
  return new Promise((resolve) => socket.emit('reply', { clientMessageId: `b${process.pid}-${counter}`, value }, resolve));
}

/** One conversation; `startedAt` is when it was due (open loop) or began (closed loop). */
export async function converse(target: VisitorTarget, startedAt = performance.now()): Promise<ConversationResult> {
  const latencies: number[] = [];
  let turns = 0;
  const socket = await connect(target);
  latencies.push(performance.now() - startedAt);
  turns += 1;
  try {
    for (const value of (target.replies ?? DEMO_REPLIES)(`bench-${process.pid}-${(counter += 1)}@example.org`)) {
      const sent = performance.now();
      const ack = await reply(socket, value);
      latencies.push(performance.now() - sent);
      if (ack.ok) turns += 1;
    }
  } finally {
    socket.close();
  }
  return { turns, latencies };
}

/**
 * Closed loop: `sockets` visitors, each starting its next conversation when the last ends. Turns
 * per second count every delivered turn; replies per second the acknowledged replies only.
 */
export async function closedLoop(
  target: VisitorTarget,
  sockets: number,
  seconds: number,
): Promise<{ turnsPerSecond: number; repliesPerSecond: number; latencies: number[]; failures: number }> {
  const latencies: number[] = [];
  let turns = 0;
  let conversations = 0;
  let failures = 0;
  const began = performance.now();
  const deadline = began + seconds * 1000;
  await Promise.all(
    Array.from({ length: sockets }, async () => {
      while (performance.now() < deadline) {
        try {
          const result = await converse(target);
          turns += result.turns;
          conversations += 1;
          latencies.push(...result.latencies);
        } catch {
          failures += 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - began) / 1000;
  return { turnsPerSecond: turns / elapsed, repliesPerSecond: (turns - conversations) / elapsed, latencies, failures };
}

/**
 * Open loop: conversations start on a fixed schedule whatever the server's speed, so the
 * offered rate is `turnsPerSecond` (`turnsPerConversation` each). A start turn's latency counts
 * from when it was due, so a server falling behind shows in the figures.
 */
export async function openLoop(target: VisitorTarget, turnsPerSecond: number, seconds: number): Promise<{ offered: number; turnsPerSecond: number; latencies: number[]; failures: number }> {
  const perConversation = turnsPerConversation(target);
  const interval = (1000 * perConversation) / turnsPerSecond;
  const latencies: number[] = [];
  const running: Promise<void>[] = [];
  let turns = 0;
  let failures = 0;
  const began = performance.now();
  const total = Math.floor((seconds * 1000) / interval);
  for (let n = 0; n < total; n += 1) {
    const due = began + n * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(
      converse(target, due).then(
        (result) => {
          turns += result.turns;
          latencies.push(...result.latencies);
        },
        () => {
          failures += 1;
        },
      ),
    );
  }
  await Promise.all(running);
  return { offered: turnsPerSecond, turnsPerSecond: turns / ((performance.now() - began) / 1000), latencies, failures };
}

/**
 * Round trips over sockets that stay connected (no handshake per conversation): the strictest
 * ceiling, each socket sending its next reply as soon as the last is acknowledged.
 */
export async function persistentLoop(target: VisitorTarget, sockets: number, seconds: number): Promise<{ turnsPerSecond: number; latencies: number[] }> {
  const connected = await Promise.all(Array.from({ length: sockets }, () => connect(target)));
  const latencies: number[] = [];
  let turns = 0;
  const began = performance.now();
  const deadline = began + seconds * 1000;
  await Promise.all(
    connected.map(async (socket) => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const ack = await reply(socket, 'blue');
        latencies.push(performance.now() - sent);
        if (ack.ok) turns += 1;
      }
    }),
  );
  const turnsPerSecond = turns / ((performance.now() - began) / 1000);
  connected.forEach((socket) => socket.close());
  return { turnsPerSecond, latencies };
}

/**
 * Parley (runtime/main.ts of `checkout`, this tree unless given) in its own process on
 * `databaseUrl`, the demo flow's visitor target, and the admin API key the first start printed.
 */
export async function startParleyServer(databaseUrl: string, checkout?: string): Promise<{ server: BenchChild; parley: VisitorTarget; apiKey: string }> {
  const server = await startBenchChild(
    'runtime/main.ts',
    { DATABASE_URL: databaseUrl, PARLEY_MASTER_KEY: generateMasterKey(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', PARLEY_HANDSHAKES_PER_IP_PER_MINUTE: '1000000' },
    /Parley is running at (\S+)/,
    checkout,
  );
  const workspaceId = /demo workspace: (\S+)/.exec(server.output())![1]!;
  const apiKey = /admin API key[^:]*: (\S+)/.exec(server.output())![1]!;
  return { server, parley: { url: server.url, auth: { workspace: workspaceId, flow: 'hello-world' } }, apiKey };
}

/**
 * An instant-win flow saved through the admin API, as an owner would: the start turn asks the
 * email, whose turn claims a moment. `stock` moments are drawn over the week before now and the
 * hour after (over 99 % due), so claims win until the stock runs out. Returns its visitor target: one reply, the email.
 */
export async function createClaimFlow(parley: VisitorTarget, apiKey: string, stock: number): Promise<VisitorTarget> {
  const now = Date.now();
  // A prize holds 100,000 moments at most.
  const prizes = Array.from({ length: Math.ceil(stock / 100_000) }, (_, i) => ({ id: `prize-${i}`, title: `Prize ${i}`, stock: Math.min(100_000, stock - i * 100_000) }));
  const document = {
    name: 'Bench claims',
    opensAt: new Date(now - 7 * 86_400_000).toISOString(),
    closesAt: new Date(now + 3_600_000).toISOString(),
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'win' },
      { id: 'win', module: 'instant-win', config: { prizes } },
    ],
  };
  const response = await fetch(`${parley.url}/api/v1/flows/bench-claims`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(document),
  });
  if (!response.ok) throw new Error(`saving the claim flow failed: ${response.status} ${await response.text()}`);
  return { url: parley.url, auth: { ...parley.auth, flow: 'bench-claims' }, replies: (email) => [email] };
}
