/**
 * Parley alone under the chat bench's closed loop, for profiling (no ceiling run): prints
 * "LOOP START" when the load begins so a profiler can attach to the server and PostgreSQL.
 *
 *   BENCH_SECONDS=20 npx tsx bench/chat-profile.ts
 */
import { benchDatabase } from './support/bench-database.js';
import { startBenchChild } from './support/child-process.js';
import { closedLoop, converse, type VisitorTarget } from './support/chat-visitors.js';
import { generateMasterKey } from '../storage/crypto/master-key.js';
import { cpuShare, cpuSplit } from './support/cpu-split.js';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);

const database = await benchDatabase();
const server = await startBenchChild(
  'runtime/main.ts',
  { DATABASE_URL: database.url, PARLEY_MASTER_KEY: generateMasterKey(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', PARLEY_HANDSHAKES_PER_IP_PER_MINUTE: '1000000' },
  /Parley is running at (\S+)/,
);
try {
  const workspaceId = /demo workspace: (\S+)/.exec(server.output())![1]!;
  const parley: VisitorTarget = { url: server.url, auth: { workspace: workspaceId, flow: 'hello-world' } };
  await converse(parley);
  process.stdout.write(`LOOP START server pid ${server.child.pid}\n`);
  const before = cpuSplit(server.child.pid);
  const closed = await closedLoop(parley, SOCKETS, SECONDS);
  process.stdout.write(`closed loop: ${closed.turnsPerSecond.toFixed(0)} turns/s, failures ${closed.failures}\nCPU cores busy: ${cpuShare(before, cpuSplit(server.child.pid), SECONDS)}\n`);
} finally {
  await server.stop();
  await database.close();
}
