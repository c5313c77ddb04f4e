/**
 * The physical ceiling of a chat turn, run as its own process like Parley's server: a bare
 * socket.io server on the same `/chat` namespace that does one INSERT (autocommit, so one
 * COMMIT) per round trip — on connection before emitting the first turn, and per reply before
 * acknowledging it — over a pool the size of Parley's. Prints its URL like Parley does.
 *
 *   DATABASE_URL=… npx tsx bench/support/ceiling-server.ts
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.CEILING_POOL ?? 10) });
await pool.query('create table if not exists bench_ceiling (id bigserial primary key, payload jsonb not null)');
const insert = (payload: unknown) => pool.query('insert into bench_ceiling (payload) values ($1)', [JSON.stringify(payload)]);

const http = createServer();
const io = new Server(http, { serveClient: false, cors: { origin: true } });
io.of('/chat').on('connection', async (socket) => {
  let seq = 0;
  await insert({ socket: socket.id, seq });
  socket.emit('turn', { seq: (seq += 1) });
  socket.on('reply', async (payload: unknown, ack: unknown) => {
    await insert({ socket: socket.id, payload });
    if (typeof ack === 'function') ack({ ok: true, turn: { seq: (seq += 1) } });
  });
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ceiling listening at http://127.0.0.1:${(http.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  io.close();
  void pool.end().then(() => process.exit(0));
});
