/**
 * Parley alone under the chat bench's closed loop, for profiling (no ceiling run): prints
 * "LOOP START" when the load begins so a profiler can attach to the server and PostgreSQL.
 *
 *   BENCH_SECONDS=20 npx tsx bench/chat-profile.ts
 *   BENCH_CONVERSATION=claims …   (the chat bench's instant-win conversation instead of the demo's)
 */
import { benchDatabase } from './support/bench-database.js';
import { closedLoop, converse, createClaimFlow, startParleyServer } from './support/chat-visitors.js';
import { cpuShare, cpuSplit } from './support/cpu-split.js';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);

const database = await benchDatabase();
const started = await startParleyServer(database.url);
const { server } = started;
try {
  const parley = process.env.BENCH_CONVERSATION === 'claims' ? await createClaimFlow(started.parley, started.apiKey, 300_000) : started.parley;
  await converse(parley);
  process.stdout.write(`LOOP START server pid ${server.child.pid}\n`);
  const before = cpuSplit(server.child.pid);
  const closed = await closedLoop(parley, SOCKETS, SECONDS);
  process.stdout.write(`closed loop: ${closed.turnsPerSecond.toFixed(0)} turns/s, failures ${closed.failures}\nCPU cores busy: ${cpuShare(before, cpuSplit(server.child.pid), SECONDS)}\n`);
} finally {
  await server.stop();
  await database.close();
}
