/**
 * Two or more checkouts of Parley side by side, for a before/after measurement in one run: a
 * server from each (its own database), alternating closed-loop rounds of the chat bench's
 * visitors, so that the machine's drift hits them alike. Prints, per round and as medians,
 * turns/s, replies/s and the CPU each turn cost the server and PostgreSQL. Not part of `npm run bench`.
 *
 *   BENCH_CHECKOUTS=/path/to/before,/path/to/after npx tsx bench/chat-side-by-side.ts
 *
 * BENCH_CLAIMS=n: the visitors play the chat bench's instant-win flow instead of the demo flow
 * (start, then the email whose turn claims a moment; n moments due, each claim wins): replies/s
 * are then claims/s.
 *
 * A checkout made with `git worktree add` needs `node_modules` (a symlink to this one's will do).
 */
import { benchDatabase } from './support/bench-database.js';
import { closedLoop, converse, createClaimFlow, startParleyServer, type VisitorTarget } from './support/chat-visitors.js';
import { cpuSplit } from './support/cpu-split.js';
import { median } from './support/latency.js';
import type { BenchChild } from './support/child-process.js';

const CHECKOUTS = (process.env.BENCH_CHECKOUTS ?? '').split(',').filter(Boolean);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 300);
const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 0);
if (CHECKOUTS.length < 2) throw new Error('BENCH_CHECKOUTS: two or more checkout directories, comma-separated');

interface Round {
  readonly turnsPerSecond: number;
  readonly repliesPerSecond: number;
  readonly serverMs: number;
  readonly postgresMs: number;
}

interface Side {
  readonly checkout: string;
  readonly server: BenchChild;
  readonly target: VisitorTarget;
  readonly rounds: Round[];
  stop(): Promise<void>;
}

/** A server from `checkout` on a fresh database, started as the chat bench starts its own. */
async function startSide(checkout: string): Promise<Side> {
  const database = await benchDatabase();
  const { server, parley, apiKey } = await startParleyServer(database.url, checkout);
  return {
    checkout,
    server,
    target: CLAIMS > 0 ? await createClaimFlow(parley, apiKey, CLAIMS) : parley,
    rounds: [],
    async stop() {
      await server.stop();
      await database.close();
    },
  };
}

const sides: Side[] = [];
try {
  for (const checkout of CHECKOUTS) {
    const side = await startSide(checkout);
    sides.push(side);
    await converse(side.target);
    await closedLoop(side.target, SOCKETS, 4);
  }
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
      const before = cpuSplit(side.server.child.pid);
      const loop = await closedLoop(side.target, SOCKETS, SECONDS);
      const after = cpuSplit(side.server.child.pid);
      const turns = loop.turnsPerSecond * SECONDS;
      const figures = { turnsPerSecond: loop.turnsPerSecond, repliesPerSecond: loop.repliesPerSecond, serverMs: ((after.server! - before.server!) * 1000) / turns, postgresMs: ((after.postgres! - before.postgres!) * 1000) / turns };
      side.rounds.push(figures);
      process.stdout.write(`round ${round} ${side.checkout}: ${figures.turnsPerSecond.toFixed(0)} turns/s (${figures.repliesPerSecond.toFixed(0)} replies/s), server ${figures.serverMs.toFixed(3)} ms/turn, PostgreSQL ${figures.postgresMs.toFixed(3)} ms/turn, failures ${loop.failures}\n`);
    }
  }
  for (const side of sides) {
    const turnsPerSecond = median(side.rounds.map((r) => r.turnsPerSecond));
    const repliesPerSecond = median(side.rounds.map((r) => r.repliesPerSecond));
    const serverMs = median(side.rounds.map((r) => r.serverMs));
    const postgresMs = median(side.rounds.map((r) => r.postgresMs));
    process.stdout.write(`median ${side.checkout}: ${turnsPerSecond.toFixed(0)} turns/s (${repliesPerSecond.toFixed(0)} replies/s), server ${serverMs.toFixed(3)} ms/turn, PostgreSQL ${postgresMs.toFixed(3)} ms/turn\n`);
  }
} finally {
  for (const side of sides) await side.stop();
}
