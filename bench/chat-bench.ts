/**
 * Chat turns against their physical ceiling, in one run. Visitors connect over websockets,
 * receive the start turn, answer the demo flow's choice (Blue pill) and an email (whose turn
 * claims an instant win), then disconnect and start again; every delivered turn counts.
 *
 * 1. Ceiling: the same visitors against a bare socket.io server doing one INSERT + COMMIT per
 *    round trip (bench/support/ceiling-server.ts), same socket count, same pool size; and the
 *    stricter ceiling of the same server over sockets that stay connected (no handshakes).
 * 2. Closed loop: Parley (runtime/main.ts in its own process), turns/s and the ratio.
 * 3. Open loop: Parley offered half the ceiling's rate, p50/p99 per turn.
 * 4. Statements per turn: sequential conversations, statements counted in the server process.
 *
 * Env: BENCH_SOCKETS (default 300), BENCH_SECONDS (default 10), BENCH_STATEMENT_CONVERSATIONS (default 50).
 */
import { benchDatabase, printTable } from './support/bench-database.js';
import { percentile } from './support/latency.js';
import { startBenchChild } from './support/child-process.js';
import { closedLoop, converse, openLoop, persistentLoop, startParleyServer } from './support/chat-visitors.js';
import { cpuShare, cpuSplit } from './support/cpu-split.js';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const COUNTED = Number(process.env.BENCH_STATEMENT_CONVERSATIONS ?? 50);

const ms = (values: number[], p: number) => `${percentile(values, p).toFixed(1)} ms`;

const database = await benchDatabase();
const ceilingServer = await startBenchChild('bench/support/ceiling-server.ts', { DATABASE_URL: database.url }, /ceiling listening at (\S+)/);
let ceiling: Awaited<ReturnType<typeof closedLoop>>;
let connected: Awaited<ReturnType<typeof persistentLoop>>;
let ceilingCpu = '';
try {
  const cpuBefore = cpuSplit(ceilingServer.child.pid);
  ceiling = await closedLoop({ url: ceilingServer.url, auth: {} }, SOCKETS, SECONDS);
  ceilingCpu = cpuShare(cpuBefore, cpuSplit(ceilingServer.child.pid), SECONDS);
  connected = await persistentLoop({ url: ceilingServer.url, auth: {} }, SOCKETS, SECONDS);
} finally {
  await ceilingServer.stop();
}

const { server, parley } = await startParleyServer(database.url);
try {

  // Statements per turn first, on a quiet server (caches warmed by one conversation).
  await converse(parley);
  const before = await server.queries();
  let countedTurns = 0;
  for (let i = 0; i < COUNTED; i += 1) countedTurns += (await converse(parley)).turns;
  const after = await server.queries();
  const statements = after.statements - before.statements;
  const roundTrips = after.roundTrips - before.roundTrips;
  const perTurn = statements / countedTurns;
  const roundTripsPerTurn = roundTrips / countedTurns;

  const cpuBefore = cpuSplit(server.child.pid);
  const closed = await closedLoop(parley, SOCKETS, SECONDS);
  const closedCpu = cpuShare(cpuBefore, cpuSplit(server.child.pid), SECONDS);
  const offered = ceiling.turnsPerSecond / 2;
  const open = await openLoop(parley, offered, SECONDS);

  const ratio = closed.turnsPerSecond / ceiling.turnsPerSecond;
  const strictRatio = closed.turnsPerSecond / connected.turnsPerSecond;
  printTable(`chat turns: ${SOCKETS} sockets, ${SECONDS} s per run, demo flow (start, Blue pill, email + instant win)`, [
    ['ceiling: bare socket.io + INSERT/COMMIT per round trip', `${ceiling.turnsPerSecond.toFixed(0)} turns/s (p50 ${ms(ceiling.latencies, 50)}, p99 ${ms(ceiling.latencies, 99)})`],
    ['strict ceiling: same server, sockets stay connected', `${connected.turnsPerSecond.toFixed(0)} round trips/s (p50 ${ms(connected.latencies, 50)}, p99 ${ms(connected.latencies, 99)})`],
    ['closed loop: Parley', `${closed.turnsPerSecond.toFixed(0)} turns/s (p50 ${ms(closed.latencies, 50)}, p99 ${ms(closed.latencies, 99)})`],
    ['CPU cores busy, ceiling run', ceilingCpu],
    ['CPU cores busy, Parley closed loop', closedCpu],
    ['closed loop ratio Parley / ceiling', `${ratio.toFixed(3)} (target ≥ 0.5)`],
    ['closed loop ratio Parley / strict ceiling', strictRatio.toFixed(3)],
    [`open loop: Parley offered ${offered.toFixed(0)} turns/s (½ ceiling)`, `${open.turnsPerSecond.toFixed(0)} turns/s served, p50 ${ms(open.latencies, 50)}, p99 ${ms(open.latencies, 99)} (target p99 < 50 ms)`],
    ['failed conversations (ceiling / closed / open)', `${ceiling.failures} / ${closed.failures} / ${open.failures}`],
    [`SQL statements per turn (${COUNTED} sequential conversations)`, `${perTurn.toFixed(2)} (${statements} for ${countedTurns} turns, handshakes included)`],
    ['database round trips per turn', `${roundTripsPerTurn.toFixed(2)} (${roundTrips}; BEGIN and COMMIT ride with the statements next to them)`],
  ]);
  process.stdout.write(`RESULT ceiling_turns_per_s=${ceiling.turnsPerSecond.toFixed(0)} strict_ceiling_round_trips_per_s=${connected.turnsPerSecond.toFixed(0)}\n`);
  process.stdout.write(`RESULT chat_turns_per_s=${closed.turnsPerSecond.toFixed(0)} ratio=${ratio.toFixed(3)} strict_ratio=${strictRatio.toFixed(3)}\n`);
  process.stdout.write(`RESULT open_loop_offered=${offered.toFixed(0)} open_p50_ms=${percentile(open.latencies, 50).toFixed(1)} open_p99_ms=${percentile(open.latencies, 99).toFixed(1)}\n`);
  process.stdout.write(`RESULT statements_per_turn=${perTurn.toFixed(2)} round_trips_per_turn=${roundTripsPerTurn.toFixed(2)}\n`);
} finally {
  await server.stop();
  await database.close();
}
