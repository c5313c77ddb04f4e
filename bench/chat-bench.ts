/**
 * N concurrent socket.io-client sessions walk the demo flow's Blue path (Hello → Blue pill →
 * email → instant win) against a real server process; prints turns/s and p50/p99 reply latency,
 * and in the same run the bare socket.io echo rate and the bare single-row insert+commit rate,
 * with the ratios. Target: ≥ 3,500 turns/s with p99 < 100 ms at 1,000 sockets on 2 cores.
 * Env: BENCH_SOCKETS (default 1000), BENCH_SECONDS (default 15).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import pg from 'pg';
import { benchDatabase, printTable } from './support/bench-database.js';
import { percentile } from './support/latency.js';
import { startServerProcess } from '../test/support/server-process.js';
import { generateMasterKey } from '../storage/crypto/master-key.js';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);

function connect(url: string, auth: Record<string, unknown>): Promise<{ socket: Socket; turn: unknown }> {
  const socket = io(`${url}/chat`, { auth, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin: url } });
  return new Promise((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('chat_error', reject);
    socket.once('turn', (turn: unknown) => resolve({ socket, turn }));
  });
}

function emit(socket: Socket, event: string, payload: unknown): Promise<unknown> {
  return new Promise((resolve) => socket.emit(event, payload, resolve));
}

async function chatTurns(url: string, workspaceId: string): Promise<{ turns: number; latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let turns = 0;
  let counter = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const began = Date.now();
  async function visitor(): Promise<void> {
    while (Date.now() < deadline) {
      const { socket } = await connect(url, { workspace: workspaceId, flow: 'hello-world' });
      for (const value of ['blue', `bench-${process.pid}-${(counter += 1)}@example.org`]) {
        const sent = performance.now();
        const ack = (await emit(socket, 'reply', { clientMessageId: `m${counter}-${value.length}`, value })) as { ok: boolean };
        latencies.push(performance.now() - sent);
        if (ack.ok) turns += 1;
      }
      socket.close();
    }
  }
  await Promise.all(Array.from({ length: SOCKETS }, () => visitor().catch(() => {})));
  return { turns, latencies, seconds: (Date.now() - began) / 1000 };
}

async function echoRate(): Promise<number> {
  const http = createServer();
  const server = new Server(http);
  server.on('connection', (socket) => socket.on('echo', (payload: unknown, ack: (p: unknown) => void) => ack(payload)));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const sockets = await Promise.all(Array.from({ length: Math.min(SOCKETS, 200) }, () => new Promise<Socket>((resolve) => {
    const s = io(url, { transports: ['websocket'], forceNew: true });
    s.once('connect', () => resolve(s));
  })));
  let echoes = 0;
  const deadline = Date.now() + 5000;
  await Promise.all(sockets.map(async (s) => {
    while (Date.now() < deadline) {
      await emit(s, 'echo', { n: echoes });
      echoes += 1;
    }
  }));
  sockets.forEach((s) => s.close());
  server.close();
  return echoes / 5;
}

async function insertRate(url: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query('create table if not exists bench_insert (id bigserial primary key, payload jsonb)');
  let inserts = 0;
  const deadline = Date.now() + 5000;
  await Promise.all(Array.from({ length: 10 }, async () => {
    while (Date.now() < deadline) {
      await pool.query('insert into bench_insert (payload) values ($1)', [{ n: inserts }]);
      inserts += 1;
    }
  }));
  await pool.end();
  return inserts / 5;
}

const database = await benchDatabase();
const server = await startServerProcess({ databaseUrl: database.url, masterKey: generateMasterKey(), extra: { LOG_LEVEL: 'error', PARLEY_HANDSHAKES_PER_IP_PER_MINUTE: '1000000' } });
try {
  const workspaceId = /demo workspace: (\S+)/.exec(server.output())![1]!;
  const chat = await chatTurns(server.url, workspaceId);
  const turnsPerSecond = chat.turns / chat.seconds;
  const echo = await echoRate();
  const inserts = await insertRate(database.url);
  printTable(`chat turns (${SOCKETS} sockets, ${SECONDS} s, demo flow Blue path)`, [
    ['turns/s', turnsPerSecond.toFixed(0)],
    ['p50 / p99 reply latency', `${percentile(chat.latencies, 50).toFixed(1)} ms / ${percentile(chat.latencies, 99).toFixed(1)} ms`],
    ['bare socket.io echo/s', echo.toFixed(0)],
    ['bare insert+commit/s', inserts.toFixed(0)],
    ['turns / echo', (turnsPerSecond / echo).toFixed(3)],
    ['turns / insert', (turnsPerSecond / inserts).toFixed(3)],
    ['target', '≥ 3,500 turns/s, p99 < 100 ms'],
  ]);
  process.stdout.write(`RESULT chat_turns_per_s=${turnsPerSecond.toFixed(0)} chat_p99_ms=${percentile(chat.latencies, 99).toFixed(1)}\n`);
} finally {
  await server.kill();
  await database.close();
}
