import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * The Node flags `npm start` gives the server (package.json's `start` script of `checkout`, this
 * tree unless given, e.g. the V8 young generation size), so that servers under benchmark run as
 * in production.
 */
export function productionNodeFlags(checkout = root): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(checkout, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const match = /^node((?: --\S+)*) dist\/runtime\/main\.js$/.exec(scripts.start);
  if (!match) throw new Error(`cannot read the Node flags of the start script: ${scripts.start}`);
  return match[1]!.split(' ').filter(Boolean);
}

export interface BenchChild {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** Statements and round trips sent so far (the child must run with the query-counter preload). */
  queries(): Promise<{ statements: number; roundTrips: number }>;
  stop(): Promise<void>;
}

/**
 * A TypeScript entry point in its own process (with the statement-counting preload and the
 * production Node flags: the ceiling server gets them too, so both sides run alike), resolved
 * once its output matches `ready` (whose first group is the URL). `checkout`: the source tree it
 * runs from (this one unless given, e.g. a git worktree of an earlier commit).
 */
export async function startBenchChild(script: string, env: Record<string, string>, ready: RegExp, checkout = root): Promise<BenchChild> {
  // BENCH_PROFILE_DIR: CPU profiles of the child (node --cpu-prof), written when it exits.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_DIR] : [];
  const preload = path.join(import.meta.dirname, 'query-counter-preload.mjs');
  const child = spawn(process.execPath, [...profile, ...productionNodeFlags(checkout), '--import', 'tsx', '--import', preload, script], {
    cwd: checkout,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    child,
    output: () => output,
    async queries() {
      const before = output.length;
      child.kill('SIGUSR2');
      for (let i = 0; i < 500; i += 1) {
        const match = /QUERIES (\d+) ROUNDTRIPS (\d+)\n/.exec(output.slice(before));
        if (match) return { statements: Number(match[1]), roundTrips: Number(match[2]) };
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('no statement count from the child');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
