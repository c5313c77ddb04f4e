import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../../storage/embedded-postgres.js';
import { generateMasterKey } from '../../../storage/crypto/master-key.js';
import { connectChat, type ChatClient } from '../../support/chat-client.js';
import { startChatLoad, type ChatLoad } from '../../support/chat-load.js';
import { startServerProcess, type ServerProcess } from '../../support/server-process.js';
import { api } from '../../support/test-server.js';
import { waitUntil } from '../../support/wait-until.js';

const CLIENTS = 4;
const QUESTIONS = 6;
/** Six text questions, each stored as variable `v1`…`v6`, then a goodbye. */
const QUIZ = {
  name: 'Quiz',
  steps: [
    ...Array.from({ length: QUESTIONS }, (_, i) => ({
      id: `q${i + 1}`,
      module: 'text-question',
      config: { question: `Question ${i + 1}?`, variable: `v${i + 1}` },
      next: i + 1 < QUESTIONS ? `q${i + 2}` : 'bye',
    })),
    { id: 'bye', module: 'message', config: { text: 'Thanks' } },
  ],
};
const variableOf = (stepId: string) => `v${stepId.slice(1)}`;

let dir: string;
/** A PostgreSQL of this test's own: it is stopped and started again, which the shared one never is. */
let postgres: EmbeddedServer;
let url: string;
let server: ServerProcess;
let load: ChatLoad | undefined;
let probe: ChatClient | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-pg-restart-'));
  postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), persistent: true });
  url = await postgres.database('parley');
  server = await startServerProcess({ databaseUrl: url, masterKey: generateMasterKey(), extra: { PARLEY_DATA_DIR: path.join(dir, 'parley'), PARLEY_HANDSHAKES_PER_IP_PER_MINUTE: '100000' } });
}, 120_000);
afterAll(async () => {
  probe?.close();
  const stopping = load?.stop();
  await server?.kill();
  await stopping;
  await postgres?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function health(): Promise<number> {
  return (await fetch(`${server.url}/health`)).status;
}

/** Runs one query on the test's PostgreSQL with a client of its own. */
async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** Stored variables rows per session and variable. */
async function variableRows(): Promise<Map<string, number>> {
  const rows = await query<{ session_id: string; variable: string; n: string }>(
    `select session_id, data->>'variable' as variable, count(*) as n from store_variables group by 1, 2`,
  );
  return new Map(rows.map((r) => [`${r.session_id}/${r.variable}`, Number(r.n)]));
}

describe('PostgreSQL restarted under chat load', () => {
  it('the server process recovers by itself; no ok-acked reply is lost; refused replies succeed when re-sent', async () => {
    const workspace = /demo workspace: (\S+)/.exec(server.output())![1]!;
    const key = /admin API key \(shown once, keep it\): (\S+)/.exec(server.output())![1]!;
    const saved = await api(server.url, key, 'PUT', '/api/v1/flows/quiz', QUIZ);
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);

    const running = startChatLoad({ url: server.url, auth: { workspace, flow: 'quiz' }, clients: CLIENTS, answer: (turn) => `answer ${turn.seq}` });
    load = running;
    await waitUntil(() => running.stats().acked.length >= 30, { what: 'the load to get going', timeoutMs: 30_000 });
    // One visitor is surely mid-session when the database goes: it has its first question, unanswered.
    probe = await connectChat(server.url, { workspace, flow: 'quiz' });
    expect(probe.firstTurn.stepId).toBe('q1');

    await postgres.stop();
    const stoppedAt = Date.now();
    const refused = await probe.reply('probe answer', 'probe-1');
    expect(refused).toEqual({ ok: false, error: { code: 'unavailable', message: expect.any(String) } });
    expect(await health()).toBe(503);
    await waitUntil(() => running.stats().failedStarts + running.stats().errorCodes.length > 0, { what: 'the load to be refused too', timeoutMs: 30_000 });

    postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), persistent: true, port: postgres.port });
    const restartedAt = Date.now();
    await waitUntil(async () => (await health()) === 200, { what: '/health to answer 200 again', timeoutMs: 60_000, intervalMs: 250, describe: () => server.output() });
    // Every client goes on, and new sessions start, after the restart.
    await waitUntil(
      () => {
        const { acked, sessionsStarted } = running.stats();
        const clientsBack = new Set(acked.filter((a) => a.at > restartedAt).map((a) => a.client)).size;
        return clientsBack === CLIENTS && sessionsStarted.filter((at) => at > restartedAt).length >= CLIENTS;
      },
      { what: 'every client to be served again', timeoutMs: 60_000, describe: () => `${JSON.stringify(running.stats().errorCodes.slice(-5))}\n${server.output()}` },
    );
    await running.stop();
    load = undefined;
    // The visitor re-sends the refused reply with the same clientMessageId: now it counts, once.
    const resent = await probe.reply('probe answer', 'probe-1');
    expect(resent.ok && resent.turn.stepId).toBe('q2');
    const again = await probe.reply('probe answer', 'probe-1');
    expect(again).toEqual(resent);

    expect(server.child.exitCode).toBeNull();
    expect(server.child.signalCode).toBeNull();
    const stats = running.stats();
    expect(stats.lost).toBe(0);
    // Refusals during the outage say `unavailable`; a client re-sending every 100 ms through a long
    // outage (a loaded machine) may also meet its socket's reply rate limit. Never anything else.
    expect(stats.errorCodes.filter((code) => code !== 'unavailable' && code !== 'rate_limited')).toEqual([]);
    // Replies refused during the outage were acked ok when re-sent with the same clientMessageId.
    expect(stats.acked.filter((a) => a.errorsBefore > 0).every((a) => a.at > stoppedAt)).toBe(true);

    // Each ok-acked reply wrote its variable exactly once, re-sent or not.
    const rows = await variableRows();
    const acked = [...stats.acked, { sessionId: probe.session.sessionId, stepId: 'q1' }];
    const missing = acked.filter((a) => rows.get(`${a.sessionId}/${variableOf(a.stepId)}`) !== 1);
    expect(missing).toEqual([]);
    const total = [...rows.values()].reduce((n, count) => n + count, 0);
    expect(total).toBe(acked.length);

    const after = await api(server.url, key, 'GET', '/api/v1/flows/quiz');
    expect(after.status).toBe(200);
    // socket.io's PostgreSQL adapter is listening again on a new connection.
    await waitUntil(async () => (await query(`select 1 from pg_stat_activity where query like 'LISTEN %'`)).length === 1, { what: 'the adapter to LISTEN again' });
  }, 180_000);
});
