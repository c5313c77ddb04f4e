/**
 * An export run through the server, as an owner starts one (`POST /exports/{id}/runs`), with the
 * server started as `npm start` starts it (dist/, its Node flags) on a database of BENCH_ROWS
 * related entries (the export bench's fixture and its related-fields export, delivered to a local
 * destination). The server runs the export in its own process (`PARLEY_EXPORT_RUNNER=inline`) or
 * in a process started for the run (`process`, the default) at niceness 0 or at the default
 * (`PARLEY_EXPORT_NICE`), in alternated rounds. Each round, on
 * a new server, runs the export twice:
 * - alone, before any chat: the server's RSS before the run and its highest during it (sampled
 *   every 100 ms), the run process's peak RSS (start included, as it reports it), the run's time;
 * - while visitors of the demo flow (start turn, a choice, an email whose turn claims an instant
 *   win) are offered BENCH_CHAT_RATE turns/s in an open loop (5-second windows until the run
 *   ends): their latencies against 15 s of the same chat alone just before. Target (#17): every process under 200 MB, start included.
 * Env: BENCH_ROWS (default 1,000,000), BENCH_ROUNDS (default 2 per runner), BENCH_CHAT_RATE (default 300).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { benchDatabase, printTable } from './support/bench-database.js';
import { openLoop, type VisitorTarget } from './support/chat-visitors.js';
import { productionNodeFlags } from './support/child-process.js';
import { rssMb } from './support/process-memory.js';
import { median, percentile } from './support/latency.js';
import { insertRelatedEntries, RELATED_FIELDS_EXPORT, RELATED_FLOW } from '../test/support/related-entries-fixture.js';
import { buildDist } from '../test/support/cli-process.js';
import { systemClock } from '../core/clock.js';
import { ModuleRegistry } from '../core/module-registry.js';
import { CAPABILITIES } from '../runtime/capabilities.js';
import { saveFlowDocument } from '../runtime/engine/flow-lifecycle.js';
import { MODULES } from '../modules/index.js';
import { issueApiKey } from '../storage/api-key-repository.js';
import { generateMasterKey } from '../storage/crypto/master-key.js';
import { createExport } from '../storage/export-repository.js';
import { openStorage } from '../storage/storage.js';
import { createWorkspace } from '../storage/workspace-repository.js';

/** How the server runs the export: in its own process, or in a process of the run's own at niceness 0 or at the default (10). */
const RUNNERS = {
  inline: { PARLEY_EXPORT_RUNNER: 'inline' },
  'process, nice 0': { PARLEY_EXPORT_RUNNER: 'process', PARLEY_EXPORT_NICE: '0' },
  process: { PARLEY_EXPORT_RUNNER: 'process' },
} as const;
type Runner = keyof typeof RUNNERS;
const RUNNER_NAMES = Object.keys(RUNNERS) as Runner[];
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CHAT_RATE = Number(process.env.BENCH_CHAT_RATE ?? 300);
const root = path.resolve(import.meta.dirname, '..');
const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 0 });

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `node <npm start's flags> dist/runtime/main.js` on the bench database. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [...productionNodeFlags(), 'dist/runtime/main.js'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      const match = /Parley is running at (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(() => reject(new Error(`the server exited:\n${output}`)));
  });
  return {
    url,
    child,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function call(url: string, key: string, method: string, route: string): Promise<any> {
  const response = await fetch(`${url}/api/v1${route}`, { method, headers: { authorization: `Bearer ${key}` } });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return response.json();
}

const database = await benchDatabase();
const masterKey = generateMasterKey();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-export-server-bench-'));
const env = {
  DATABASE_URL: database.url, PARLEY_MASTER_KEY: masterKey, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', PARLEY_DATA_DIR: dataDir,
  PARLEY_HANDSHAKES_PER_IP_PER_MINUTE: '1000000',
  // No sweep during the bench: the entries sit in the default partition, which a sweep would drain meanwhile.
  PARLEY_SWEEP_CRON: '0 0 1 1 *',
};
try {
  await buildDist();
  // The first start seeds the demo workspace and its flow: the visitors' flow.
  const first = await startServer(env);
  const demo = { workspace: /demo workspace: (\S+)/.exec(first.output())![1]! };
  await first.stop();
  const storage = await openStorage({ connectionString: database.url, masterKey, clock: systemClock, schedule: false });
  let exportId: string;
  let key: string;
  try {
    const workspace = await createWorkspace(storage, { name: 'Bench', timeZone: 'Europe/Paris' });
    const { flow } = await saveFlowDocument({ storage, registry: new ModuleRegistry(MODULES), clock: systemClock, capabilities: CAPABILITIES }, workspace, 'related', RELATED_FLOW);
    const began = performance.now();
    await insertRelatedEntries(storage.db, storage.keyring, { workspaceId: workspace.id, flowId: flow.id, first: 1, count: ROWS, start: new Date(Date.now() - 20 * 86_400_000) });
    process.stdout.write(`inserted ${fmt(ROWS)} entries with their related rows in ${((performance.now() - began) / 1000).toFixed(0)} s\n`);
    await storage.pool.query('analyze');
    exportId = (await createExport(storage, workspace.id, { ...RELATED_FIELDS_EXPORT, name: 'Delivered', destination: { kind: 'local', directory: 'bench' } }, null)).id;
    key = (await issueApiKey(storage.db, workspace.id)).key;
  } finally {
    await storage.close();
  }

  /** One export run through the API: its time, the server's RSS before and highest during it, the run process's peak, and chat turns' latencies meanwhile (when `visitors`). */
  async function exportRun(server: Server, runner: Runner, visitors?: VisitorTarget) {
    const pid = server.child.pid!;
    const logged = server.output().length;
    const rssBeforeMb = await rssMb(pid);
    const run = await call(server.url, key, 'POST', `/exports/${exportId}/runs`);
    const started = performance.now();
    let rssPeakMb = rssBeforeMb;
    let done: { status: string; rows: number; error: string | null } | undefined;
    let seconds = 0;
    const sampling = (async () => {
      for (;;) {
        rssPeakMb = Math.max(rssPeakMb, await rssMb(pid));
        const current = (await call(server.url, key, 'GET', `/exports/${exportId}/runs`)).runs.find((r: { id: string }) => r.id === run.id);
        if (current.status === 'succeeded' || current.status === 'failed') {
          seconds = (performance.now() - started) / 1000;
          done = current;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    // Chat for as long as the run lasts, in 5-second windows from its start.
    const latencies: number[] = [];
    while (visitors && !done) latencies.push(...(await openLoop(visitors, CHAT_RATE, 5)).latencies);
    await sampling;
    if (done!.status !== 'succeeded' || done!.rows !== ROWS) throw new Error(`run ${done!.status}: ${done!.error} (${done!.rows} rows)\n${server.output().slice(-2000)}`);
    // The server logs the run process's end once that process has exited, a little after the run is recorded.
    const report = () => /"maxRssMb":(\d+)[^\n]*export run ended in its process/.exec(server.output().slice(logged));
    for (let wait = 0; runner !== 'inline' && !report() && wait < 100; wait += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    const reported = report();
    return { seconds, rssBeforeMb, rssPeakMb, runProcessMb: reported ? Number(reported[1]) : Number.NaN, latencies };
  }

  interface Round {
    readonly runner: Runner;
    /** The run alone, on a server that has not served chat yet. */
    readonly alone: Awaited<ReturnType<typeof exportRun>>;
    /** The run while visitors chat. */
    readonly chatting: Awaited<ReturnType<typeof exportRun>>;
    readonly idle: number[];
  }
  const rounds: Round[] = [];
  for (let round = 0; round < ROUNDS * RUNNER_NAMES.length; round += 1) {
    const runner = RUNNER_NAMES[round % RUNNER_NAMES.length]!;
    const server = await startServer({ ...env, ...RUNNERS[runner] });
    try {
      const alone = await exportRun(server, runner);
      const visitors: VisitorTarget = { url: server.url, auth: { workspace: demo.workspace, flow: 'hello-world' } };
      // Warm the chat, then chat alone for reference, then during a run.
      await openLoop(visitors, CHAT_RATE, 5);
      const idle = (await openLoop(visitors, CHAT_RATE, 15)).latencies;
      const chatting = await exportRun(server, runner, visitors);
      const r: Round = { runner, alone, chatting, idle };
      rounds.push(r);
      process.stdout.write(
        `round ${round + 1} (${runner}): alone ${alone.seconds.toFixed(1)} s, server RSS ${alone.rssBeforeMb.toFixed(0)} → ${alone.rssPeakMb.toFixed(0)} MB` +
          `${runner !== 'inline' ? `, run process ${alone.runProcessMb} MB` : ''}; with chat ${chatting.seconds.toFixed(1)} s, server RSS ${chatting.rssBeforeMb.toFixed(0)} → ${chatting.rssPeakMb.toFixed(0)} MB` +
          `${runner !== 'inline' ? `, run process ${chatting.runProcessMb} MB` : ''}; chat p50/p99 ${percentile(idle, 50).toFixed(1)}/${percentile(idle, 99).toFixed(1)} ms alone, ` +
          `${percentile(chatting.latencies, 50).toFixed(1)}/${percentile(chatting.latencies, 99).toFixed(1)} ms during the run\n`,
      );
    } finally {
      await server.stop();
    }
  }
  const of = (runner: Runner) => rounds.filter((r) => r.runner === runner);
  const med = (runner: Runner, key: (r: Round) => number) => median(of(runner).map(key));
  const list = (runner: Runner, key: (r: Round) => number, digits = 0) => of(runner).map((r) => key(r).toFixed(digits)).join(', ');
  const p = (values: number[], at: number) => percentile(values, at);
  printTable(`an export run of ${fmt(ROWS)} related entries through the server (${ROUNDS} alternated rounds per runner, medians; chat offered ${CHAT_RATE} turns/s)`, RUNNER_NAMES.flatMap((runner): Array<[string, string]> => [
    [`${runner}: run alone, time`, `${med(runner, (r) => r.alone.seconds).toFixed(1)} s (${list(runner, (r) => r.alone.seconds, 1)})`],
    [`${runner}: run alone, server RSS before → highest`, `${med(runner, (r) => r.alone.rssBeforeMb).toFixed(0)} → ${med(runner, (r) => r.alone.rssPeakMb).toFixed(0)} MB (${list(runner, (r) => r.alone.rssPeakMb)})`],
    ...(runner !== 'inline' ? [[`${runner}: the run process's peak RSS (start included)`, `${list(runner, (r) => r.alone.runProcessMb)} alone, ${list(runner, (r) => r.chatting.runProcessMb)} with chat (MB)`] as [string, string]] : []),
    [`${runner}: run with chat, time`, `${med(runner, (r) => r.chatting.seconds).toFixed(1)} s (${list(runner, (r) => r.chatting.seconds, 1)})`],
    [`${runner}: run with chat, server RSS before → highest`, `${med(runner, (r) => r.chatting.rssBeforeMb).toFixed(0)} → ${med(runner, (r) => r.chatting.rssPeakMb).toFixed(0)} MB (${list(runner, (r) => r.chatting.rssPeakMb)})`],
    [`${runner}: chat p50 / p99 alone → during the run`, `${med(runner, (r) => p(r.idle, 50)).toFixed(1)} / ${med(runner, (r) => p(r.idle, 99)).toFixed(1)} → ${med(runner, (r) => p(r.chatting.latencies, 50)).toFixed(1)} / ${med(runner, (r) => p(r.chatting.latencies, 99)).toFixed(1)} ms (p99 during: ${list(runner, (r) => p(r.chatting.latencies, 99), 1)})`],
  ]));
  const highest = (runner: Runner, key: (r: Round) => number) => Math.max(...of(runner).map(key));
  process.stdout.write(
    `RESULT server_export_run_process_rss_mb=${highest('process', (r) => Math.max(r.alone.runProcessMb, r.chatting.runProcessMb)).toFixed(0)} ` +
      `server_rss_growth_during_export_mb=${highest('process', (r) => r.alone.rssPeakMb - r.alone.rssBeforeMb).toFixed(0)} server_rss_growth_during_inline_export_mb=${highest('inline', (r) => r.alone.rssPeakMb - r.alone.rssBeforeMb).toFixed(0)} ` +
      `chat_p99_during_export_ms=${med('process', (r) => p(r.chatting.latencies, 99)).toFixed(1)} chat_p99_during_export_nice0_ms=${med('process, nice 0', (r) => p(r.chatting.latencies, 99)).toFixed(1)} chat_p99_during_inline_export_ms=${med('inline', (r) => p(r.chatting.latencies, 99)).toFixed(1)} ` +
      `chat_p99_alone_ms=${median(rounds.map((r) => p(r.idle, 99))).toFixed(1)}\n`,
  );
} finally {
  await database.close();
  await rm(dataDir, { recursive: true, force: true });
}
