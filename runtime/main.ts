import { resolveDatabase, resolveMasterKey } from './bootstrap.js';
import { systemClock } from '../core/clock.js';
import { loadConfig } from './config.js';
import { describeFailure } from './failure-message.js';
import { createLogger } from './logger.js';
import { seedDemo } from './seed-demo.js';
import { startServer } from './server.js';
import { openStorage } from '../storage/storage.js';

/** `npm start`: database (embedded by default), migrations, demo seed, HTTP server, jobs. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase(config, logger, { share: true });
  let shuttingDown = false;
  try {
    const masterKey = await resolveMasterKey(config, database.embedded, logger);
    const storage = await openStorage({ connectionString: database.connectionString, masterKey, previousMasterKeys: config.previousMasterKeys, clock: systemClock, statementCache: config.statementCache, groupCommit: config.groupCommit });
    const server = await startServer({ config, storage, masterKey, logger, clock: systemClock });
    const seeded = await seedDemo(storage, server.flows);
    const { publicUrl } = server;
    const lines = [
      `Parley is running at ${publicUrl}`,
      `  health:  ${publicUrl}/health`,
      `  demo:    ${publicUrl}/demo`,
      `  console: ${publicUrl}/admin`,
      `  API:     ${publicUrl}/api/v1/openapi.json`,
    ];
    if (seeded) {
      lines.push(`  demo workspace: ${seeded.workspaceId}`, `  admin API key (shown once, keep it): ${seeded.apiKey}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);

    const shutdown = async (signal: string) => {
      if (shuttingDown) return;
      shuttingDown = true;
      logger.info({ signal }, 'shutting down');
      // A terminal's Ctrl-C reaches the embedded PostgreSQL too; its goodbyes are not errors.
      storage.jobs.removeAllListeners('error').on('error', () => {});
      await server.close();
      await storage.close();
      await database.stop();
      logger.info('stopped');
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
  } catch (error) {
    await database.stop().catch(() => {});
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`parley: ${describeFailure(error)}\n`);
  process.exit(1);
});
