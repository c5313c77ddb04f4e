/**
 * A second Parley server in its own process, for multi-process tests: `tick-server-process.ts` starts
 * it with `node --import tsx`. It serves the real app on the database of `DATABASE_URL` with a
 * manual clock, and answers IPC messages: `{ type: 'tick', id, at }` sets the clock and runs the
 * export minute tick (replying with the queued run ids), `{ type: 'stop' }` shuts down.
 */
import { ManualClock } from '../../core/clock.js';
import { loadConfig } from '../../runtime/config.js';
import { createLogger } from '../../runtime/logger.js';
import { startServer } from '../../runtime/server.js';
import { openStorage } from '../../storage/storage.js';

type Message = { type: 'tick'; id: number; at: string } | { type: 'stop' };

async function main(): Promise<void> {
  // Runs run in this process: a run's own process would not share the manual clock.
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', PARLEY_EXPORT_RUNNER: 'inline' });
  const clock = new ManualClock(process.env.PARLEY_START_AT ?? Date.now());
  const storage = await openStorage({ connectionString: config.databaseUrl!, masterKey: config.masterKey!, clock, schedule: false, migrate: false });
  const server = await startServer({ config, storage, masterKey: config.masterKey!, logger: createLogger('silent'), clock });
  process.on('message', (message: Message) => {
    if (message.type === 'tick') {
      clock.set(message.at);
      server.exports.tick(new Date(message.at)).then(
        (runs) => process.send!({ type: 'ticked', id: message.id, runIds: runs.map((run) => run.id) }),
        (error: unknown) => process.send!({ type: 'ticked', id: message.id, error: String(error) }),
      );
    } else if (message.type === 'stop') {
      void server
        .close()
        .then(() => storage.close())
        .finally(() => process.exit(0));
    }
  });
  process.send!({ type: 'ready', url: server.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`server process failed: ${String(error)}\n`);
  process.exit(1);
});
