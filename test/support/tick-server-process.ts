import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { stopProcess } from './peers/peer-process.js';

/** A second Parley server in a child process on the same database, whose clock and export tick the test drives. */
export interface TickServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Sets the child's clock to `at` and runs its export tick; resolves with the ids of the runs it queued. */
  tick(at: Date): Promise<string[]>;
  /** Shuts the child down cleanly (falls back to SIGTERM by pid). */
  stop(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./tick-server-entry.ts', import.meta.url));

type Reply = { type: 'ready'; url: string } | { type: 'ticked'; id: number; runIds?: string[]; error?: string };

/** Starts `tick-server-entry.ts` with `node --import tsx` over `databaseUrl` and `masterKey`. */
export async function startTickServerProcess(options: { databaseUrl: string; masterKey: string; dataDir: string; startAt: Date }): Promise<TickServerProcess> {
  const child: ChildProcess = fork(ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PARLEY_MASTER_KEY: options.masterKey,
      PARLEY_DATA_DIR: options.dataDir,
      PARLEY_START_AT: options.startAt.toISOString(),
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const pending = new Map<number, (reply: Extract<Reply, { type: 'ticked' }>) => void>();
  let ready: ((url: string) => void) | undefined;
  child.on('message', (reply: Reply) => {
    if (reply.type === 'ready') ready?.(reply.url);
    else pending.get(reply.id)?.(reply);
  });
  const url = await Promise.race([
    new Promise<string>((resolve) => (ready = resolve)),
    once(child, 'exit').then(([code]) => {
      throw new Error(`server process exited (${String(code)}) before it was ready: ${output}`);
    }),
  ]);
  let next = 0;
  return {
    url,
    pid: child.pid!,
    async tick(at) {
      const id = (next += 1);
      const reply = await new Promise<Extract<Reply, { type: 'ticked' }>>((resolve) => {
        pending.set(id, resolve);
        child.send({ type: 'tick', id, at: at.toISOString() });
      });
      pending.delete(id);
      if (reply.error) throw new Error(`tick failed in the server process: ${reply.error}`);
      return reply.runIds ?? [];
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ type: 'stop' });
      const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000))]);
      if (!stopped) await stopProcess(child);
    },
  };
}
