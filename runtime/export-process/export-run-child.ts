/**
 * The process in which the server runs one export run (`ExportRunProcesses`): it takes a
 * `RunRequest` on its IPC channel, runs it as `parley export run` would, reports the claim and
 * the outcome back and exits. When the server goes away (its channel closes), it exits at once:
 * nothing is committed without its lease, and the run is taken over once the lease runs out.
 */
import { systemClock } from '../../core/clock.js';
import { ModuleRegistry } from '../../core/module-registry.js';
import { executeRun } from '../../exporter/run/export-runner.js';
import { MODULES } from '../../modules/index.js';
import type { RunClaim } from '../../storage/export-run-repository.js';
import { openStorage } from '../../storage/storage.js';
import { describeFailure } from '../failure-message.js';
import { createLogger } from '../logger.js';
import { EXPORT_POOL_SIZE, type RunReport, type RunRequest } from './export-run-protocol.js';

function report(message: RunReport): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

async function run(request: RunRequest): Promise<void> {
  const logger = createLogger(request.logLevel);
  const storage = await openStorage({ connectionString: request.connectionString, masterKey: request.masterKey, clock: systemClock, schedule: false, migrate: false, poolSize: EXPORT_POOL_SIZE });
  try {
    const deps = {
      storage, registry: new ModuleRegistry(MODULES), localRoot: request.localRoot, logger, leaseMs: request.leaseMs,
      onClaimed: (claim: RunClaim, attempts: number) => void report({ type: 'claimed', claim, attempts }),
    };
    const outcome = await executeRun(deps, request.runId, request.asOf === null ? null : new Date(request.asOf));
    await report({ type: 'done', outcome, maxRssMb: process.resourceUsage().maxRSS / 1024 });
  } finally {
    await storage.close();
  }
}

if (!process.send) {
  process.stderr.write('parley: the export run process is started by the server, not by hand (use `parley export run`)\n');
  process.exit(2);
}
process.on('disconnect', () => process.exit(1));
process.once('message', (request: RunRequest) => {
  run(request).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`parley export run process: ${describeFailure(error)}\n`);
      process.exit(1);
    },
  );
});
