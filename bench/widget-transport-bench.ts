/**
 * How the widget reaches the gateway, in one run against the real server (runtime/main.ts in its
 * own process, as the chat bench starts it): the widget's transports (`CHAT_TRANSPORTS`: a
 * WebSocket at once, long-polling only where that fails) against socket.io's default (HTTP
 * long-polling first, then an upgrade to a WebSocket), which the widget used before. Both hold
 * the demo conversation (start, Blue pill, an email whose turn claims an instant win), in
 * alternating rounds:
 * - one visitor alone, conversation after conversation: the time from connecting to the start
 *   turn (median of BENCH_SEQUENTIAL);
 * - BENCH_SOCKETS visitors in a closed loop for BENCH_SECONDS: conversations per second, and the
 *   server's CPU time per conversation (user + system, from /proc).
 * Medians of the rounds, and the ratio of the widget's figure to the default's.
 *
 * Env: BENCH_SOCKETS (default 100), BENCH_SECONDS (default 6), BENCH_ROUNDS (default 3), BENCH_SEQUENTIAL (default 30).
 */
import { benchDatabase, printTable } from './support/bench-database.js';
import { closedLoop, converse, startParleyServer, turnsPerConversation, type VisitorTarget } from './support/chat-visitors.js';
import { cpuSplit } from './support/cpu-split.js';
import { median } from './support/latency.js';
import { CHAT_TRANSPORTS } from '../widget/chat/chat-connection.js';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 30);

/** socket.io's own default: long-polling requests first, then an upgrade. */
const POLLING_FIRST = { transports: ['polling', 'websocket'], tryAllTransports: false };

interface RoundFigures {
  readonly firstTurnMs: number;
  readonly conversationsPerSecond: number;
  readonly serverCpuMs: number;
  readonly failures: number;
}

async function round(target: VisitorTarget, serverPid: number | undefined): Promise<RoundFigures> {
  const firsts: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i += 1) firsts.push((await converse(target)).latencies[0]!);
  const before = cpuSplit(serverPid).server!;
  const loop = await closedLoop(target, SOCKETS, SECONDS);
  const cpuSeconds = cpuSplit(serverPid).server! - before;
  const conversationsPerSecond = loop.turnsPerSecond / turnsPerConversation(target);
  return { firstTurnMs: median(firsts), conversationsPerSecond, serverCpuMs: (cpuSeconds * 1000) / (conversationsPerSecond * SECONDS), failures: loop.failures };
}

const database = await benchDatabase();
const { server, parley } = await startParleyServer(database.url);
try {
  const modes = { widget: { ...parley, transports: CHAT_TRANSPORTS }, pollingFirst: { ...parley, transports: POLLING_FIRST } };
  // Warm-up, not counted: the first run of a fresh process is the slowest.
  for (const target of Object.values(modes)) await closedLoop(target, SOCKETS, 2);
  const runs: Record<keyof typeof modes, RoundFigures[]> = { widget: [], pollingFirst: [] };
  for (let n = 0; n < ROUNDS; n += 1) {
    for (const [name, target] of Object.entries(modes) as Array<[keyof typeof modes, VisitorTarget]>) runs[name].push(await round(target, server.child.pid));
  }
  const med = (name: keyof typeof modes, key: keyof RoundFigures) => median(runs[name].map((r) => r[key]));
  const each = (name: keyof typeof modes, key: keyof RoundFigures, digits: number) => runs[name].map((r) => r[key].toFixed(digits)).join(', ');
  const line = (key: keyof RoundFigures, digits: number, unit: string) =>
    `${med('widget', key).toFixed(digits)} ${unit} vs ${med('pollingFirst', key).toFixed(digits)} ${unit} (rounds ${each('widget', key, digits)} vs ${each('pollingFirst', key, digits)}), ratio ${(med('widget', key) / med('pollingFirst', key)).toFixed(2)}`;
  printTable(`the widget's transports (WebSocket first) vs socket.io's default (long-polling first): the demo conversation, medians of ${ROUNDS} alternated rounds`, [
    [`first turn, one visitor alone (median of ${SEQUENTIAL})`, line('firstTurnMs', 1, 'ms')],
    [`conversations/s, ${SOCKETS} visitors, closed loop`, line('conversationsPerSecond', 0, '/s')],
    ['server CPU per conversation (user + system)', line('serverCpuMs', 2, 'ms')],
    ['failed conversations (widget / default)', `${runs.widget.reduce((n, r) => n + r.failures, 0)} / ${runs.pollingFirst.reduce((n, r) => n + r.failures, 0)}`],
  ]);
  process.stdout.write(
    `RESULT widget_first_turn_ms=${med('widget', 'firstTurnMs').toFixed(1)} polling_first_turn_ms=${med('pollingFirst', 'firstTurnMs').toFixed(1)} ` +
      `widget_conversations_per_s=${med('widget', 'conversationsPerSecond').toFixed(0)} polling_conversations_per_s=${med('pollingFirst', 'conversationsPerSecond').toFixed(0)} ` +
      `widget_server_cpu_ms_per_conversation=${med('widget', 'serverCpuMs').toFixed(2)} polling_server_cpu_ms_per_conversation=${med('pollingFirst', 'serverCpuMs').toFixed(2)}\n`,
  );
} finally {
  await server.stop();
  await database.close();
}
