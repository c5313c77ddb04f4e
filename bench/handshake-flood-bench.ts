/**
 * Eight well-behaved visitors (127.0.0.2–9, one session each, a reply every 250 ms) chat while
 * one address (127.0.0.1) floods the server with waves of FLOOD_SIZE handshakes at once; prints
 * the visitor's p50/p99 reply latency idle and during the flood, for a server without a
 * per-address budget (every handshake gets a session, as before) and one with the default
 * budget, in the same run, with the ratios and the sessions the flood obtained.
 * Env: FLOOD_SIZE (default 200), FLOOD_SECONDS (default 8).
 */
import { io, type Socket } from 'socket.io-client';
import { benchDatabase, printTable } from './support/bench-database.js';
import { percentile } from './support/latency.js';
import { startServerProcess } from '../test/support/server-process.js';
import { generateMasterKey } from '../storage/crypto/master-key.js';

const FLOOD_SIZE = Number(process.env.FLOOD_SIZE ?? 200);
const SECONDS = Number(process.env.FLOOD_SECONDS ?? 8);

function connect(url: string, auth: Record<string, unknown>, localAddress?: string): Promise<Socket> {
  const socket = io(`${url}/chat`, {
    auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 20_000, extraHeaders: { origin: url },
    ...(localAddress && { localAddress }),
  });
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      socket.close();
      reject(error);
    };
    socket.once('connect_error', fail);
    socket.once('chat_error', fail);
    socket.once('turn', () => resolve(socket));
  });
}

function emit(socket: Socket, payload: unknown): Promise<unknown> {
  return new Promise((resolve) => socket.emit('reply', payload, resolve));
}

const VISITORS = 8;
/** A visitor replies every 250 ms: under the per-socket reply limit (5/s), like a fast typist. */
const PACE_MS = 250;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** VISITORS well-behaved visitors, each from its own address and on one session, replying until `until()`; their reply latencies. */
async function visitors(url: string, auth: Record<string, unknown>, until: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(Array.from({ length: VISITORS }, async (_, v) => {
    const socket = await connect(url, auth, `127.0.0.${v + 2}`);
    for (let n = 0; !until(); n += 1) {
      const sent = performance.now();
      const ack = (await emit(socket, { clientMessageId: `v${v}-${n}`, value: `answer ${n}` })) as { ok: boolean };
      if (!ack.ok) throw new Error('a well-behaved reply was refused');
      latencies.push(performance.now() - sent);
      await pause(Math.max(0, PACE_MS - (performance.now() - sent)));
    }
    socket.close();
  }));
  return latencies;
}

/** Waves of FLOOD_SIZE simultaneous handshakes from 127.0.0.1 until the deadline; sessions obtained. */
async function flood(url: string, auth: Record<string, unknown>, deadline: number): Promise<{ sessions: number; refused: number }> {
  let sessions = 0;
  let refused = 0;
  while (Date.now() < deadline) {
    const wave = await Promise.allSettled(Array.from({ length: FLOOD_SIZE }, () => connect(url, auth)));
    for (const result of wave) {
      if (result.status === 'fulfilled') {
        sessions += 1;
        result.value.close();
      } else refused += 1;
    }
  }
  return { sessions, refused };
}

async function measure(url: string, workspaceId: string) {
  const auth = { workspace: workspaceId, flow: 'talk' };
  const idleUntil = Date.now() + SECONDS * 1000;
  const idle = await visitors(url, auth, () => Date.now() > idleUntil);
  const floodUntil = Date.now() + SECONDS * 1000;
  const [during, flooded] = await Promise.all([visitors(url, auth, () => Date.now() > floodUntil), flood(url, auth, floodUntil)]);
  return { idle, during, flooded };
}

/** A flow that asks the same question forever, so a visitor stays on one session. */
async function saveTalkFlow(url: string, apiKey: string): Promise<void> {
  const response = await fetch(`${url}/api/v1/flows/talk`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Talk', steps: [{ id: 'ask', module: 'text-question', config: { question: 'And then?', variable: 'said' }, next: 'ask' }] }),
  });
  if (!response.ok) throw new Error(`saving the bench flow failed: ${response.status} ${await response.text()}`);
}

const database = await benchDatabase();
const masterKey = generateMasterKey();
const unlimited = await startServerProcess({ databaseUrl: database.url, masterKey, extra: { LOG_LEVEL: 'error', PARLEY_HANDSHAKES_PER_IP_PER_MINUTE: '1000000' } });
const limited = await startServerProcess({ databaseUrl: database.url, masterKey, extra: { LOG_LEVEL: 'error' } });
try {
  const workspaceId = /demo workspace: (\S+)/.exec(unlimited.output())![1]!;
  await saveTalkFlow(unlimited.url, /admin API key \(shown once, keep it\): (\S+)/.exec(unlimited.output())![1]!);
  const rows: Array<[string, string]> = [];
  const results: string[] = [];
  for (const [name, server] of [['no budget', unlimited], ['default budget (60/min)', limited]] as const) {
    const { idle, during, flooded } = await measure(server.url, workspaceId);
    const p = (values: number[], q: number) => percentile(values, q).toFixed(1);
    rows.push([`${name}: idle p50 / p99`, `${p(idle, 50)} ms / ${p(idle, 99)} ms (${idle.length} replies)`]);
    rows.push([`${name}: flood p50 / p99`, `${p(during, 50)} ms / ${p(during, 99)} ms (${during.length} replies)`]);
    rows.push([`${name}: p99 flood / idle`, (percentile(during, 99) / percentile(idle, 99)).toFixed(2)]);
    rows.push([`${name}: flood sessions / refused`, `${flooded.sessions} / ${flooded.refused}`]);
    const key = name.startsWith('no') ? 'unlimited' : 'limited';
    results.push(`RESULT flood_${key}_p99_ratio=${(percentile(during, 99) / percentile(idle, 99)).toFixed(2)} flood_${key}_sessions=${flooded.sessions}`);
  }
  printTable(`well-behaved visitor during handshake floods (${FLOOD_SIZE} at once from one address, ${SECONDS} s)`, rows);
  process.stdout.write(`${results.join('\n')}\n`);
} finally {
  await unlimited.kill();
  await limited.kill();
  await database.close();
}
