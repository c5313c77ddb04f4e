/**
 * The process in which the server runs export runs (`ExportRunProcesses`): it takes
 * `RunRequest`s on its IPC channel one at a time, runs each as `parley export run` would, and
 * reports its claim and its outcome back; between runs it waits for the next, its storage open.
 * It exits when the server lets it go or goes away (its channel closes): nothing is committed
 * without its lease, and a run it held is taken over once the lease runs out.
 */
import { systemClock } from '../../core/clock.js';
import { ModuleRegistry } from '../../core/module-registry.js';
import { executeRun } from '../../exporter/run/export-runner.js';
import { MODULES } from '../../modules/index.js';
import type { RunClaim } from '../../storage/export-run-repository.js';
import { openStorage, type Storage } from '../../storage/storage.js';
import { describeFailure } from '../failure-message.js';
import { createLogger, type Logger } from '../logger.js';
import { EXPORT_POOL_SIZE, type RunReport, type RunRequest } from './export-run-protocol.js';

function report(message: RunReport): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

/** Opened by the first request (every request of a server names the same database). */
let opened: { storage: Storage; logger: Logger; registry: ModuleRegistry } | undefined;

async function run(request: RunRequest): Promise<void> {
  opened ??= {
    storage: await openStorage({ connectionString: request.connectionString, masterKey: request.masterKey, previousMasterKeys: request.previousMasterKeys, clock: systemClock, schedule: false, migrate: false, poolSize: EXPORT_POOL_SIZE }),
    logger: createLogger(request.logLevel),
    registry: new ModuleRegistry(MODULES),
  };
  const { storage, logger, registry } = opened;
  const deps = {
    storage, registry, localRoot: request.localRoot, logger, leaseMs: request.leaseMs,
    onClaimed: (claim: RunClaim, attempts: number) => void report({ type: 'claimed', claim, attempts }),
  };
  const outcome = await executeRun(deps, request.runId, request.asOf === null ? null : new Date(request.asOf));
  await report({ type: 'done', outcome, maxRssMb: process.resourceUsage().maxRSS / 1024, rssMb: process.memoryUsage.rss() / 1048576 });
}

if (!process.send) {
  process.stderr.write('parley: the export run process is started by the server, not by hand (use `parley export run`)\n');
  process.exit(2);
}
process.on('disconnect', () => process.exit(0));
process.on('message', (request: RunRequest) => {
  run(request).catch((error: unknown) => {
    process.stderr.write(`parley export run process: ${describeFailure(error)}\n`);
    process.exit(1);
  });
});
