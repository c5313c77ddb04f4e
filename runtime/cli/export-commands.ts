import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { defineCommand, requireId } from './cli-command.js';
import { localExportRoot } from '../../exporter/destinations/local-config.js';
import { ParleyError } from '../../core/errors.js';
import type { LoadedExport } from '../../exporter/export-service.js';
import type { Storage } from '../../storage/storage.js';

// What the commands run is imported inside run(), so that `parley --help` loads none of it
// (the exporter and the modules' schemas take seconds to load; destination SDKs load only on delivery).
const registry = async () => {
  const [{ ModuleRegistry }, { MODULES }] = await Promise.all([import('../../core/module-registry.js'), import('../../modules/index.js')]);
  return new ModuleRegistry(MODULES);
};

const ids = {
  workspace: { type: 'string', value: 'ID', help: 'the workspace', required: true },
  export: { type: 'string', value: 'ID', help: 'the export (its id in the console or the API)', required: true },
} as const;

/** `--stats`: rows, seconds since `began` and the process's peak RSS, as one JSON line. */
function stats(rows: number, began: number): string {
  return JSON.stringify({ rows, seconds: (performance.now() - began) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 });
}

/** The export the options name; `--export: no such export in this workspace` otherwise. */
async function findExport(storage: Storage, options: { workspace: string; export: string }): Promise<LoadedExport> {
  const [workspaceId, exportId] = [requireId(options.workspace, '--workspace'), requireId(options.export, '--export')];
  const { loadExport } = await import('../../exporter/export-service.js');
  return loadExport(storage, workspaceId, exportId).catch((error: unknown) => {
    throw error instanceof ParleyError && error.code === 'not_found' ? new ParleyError('not_found', 'no such export in this workspace', { path: '--export' }) : error;
  });
}

/** `parley export run`: runs an export now, in this process, through its destination (recorded in the run history). */
export const exportRunCommand = defineCommand({
  name: 'export run',
  summary: 'Run an export now through its destination',
  details: 'The run is recorded in the export\'s run history; the exit code is 1 when it failed.',
  options: { ...ids, stats: { type: 'boolean', help: 'also print rows, seconds and peak memory as JSON' } },
  async run(options, context) {
    const storage = await context.storage();
    const loaded = await findExport(storage, options);
    const [{ getRun }, { executeRun }, { queueManualRun }, { createLogger }] = await Promise.all([
      import('../../storage/export-run-repository.js'),
      import('../../exporter/run/export-runner.js'),
      import('../../exporter/run/manual-window.js'),
      import('../logger.js'),
    ]);
    // The same window as a manual run through the API: the one the trigger would use next.
    const run = await queueManualRun(storage, loaded);
    const logger = createLogger('silent');
    const began = performance.now();
    const deps = { storage, registry: await registry(), localRoot: localExportRoot(context.config.dataDir), logger, leaseMs: context.config.exportLeaseMs };
    const outcome = await executeRun(deps, run.id);
    const done = (await getRun(storage, run.id))!;
    const window = done.selection === null ? 'every entry' : done.selection === 'all' ? 'every participant' : `${done.selection.from?.toISOString() ?? 'start'} to ${done.selection.to.toISOString()}`;
    context.stdout.write(`run ${done.runNumber}: ${outcome}\nwindow: ${window}\nrows: ${done.rows ?? 0}\nbytes: ${done.bytes ?? 0}\nsha256: ${done.sha256 ?? '-'}\nfile: ${done.fileName ?? '-'}\ndestination: ${done.destination ?? '-'}\n${done.error ? `error: ${done.error}\n` : ''}`);
    if (options.stats) context.stdout.write(`${stats(done.rows ?? 0, began)}\n`);
    return outcome === 'succeeded' ? 0 : 1;
  },
});

/** `parley export render`: writes an export to a local file without delivering it. */
export const exportRenderCommand = defineCommand({
  name: 'export render',
  summary: 'Write an export to a local file (no delivery, no run recorded)',
  options: {
    ...ids,
    out: { type: 'string', value: 'FILE', help: 'the file to write', required: true },
    stats: { type: 'boolean', help: 'also print rows, seconds and peak memory as JSON' },
  },
  async run(options, context) {
    const storage = await context.storage();
    const loaded = await findExport(storage, options);
    const { renderLoadedExport } = await import('../../exporter/export-service.js');
    const began = performance.now();
    const { rendered } = await renderLoadedExport(storage, await registry(), loaded);
    await pipeline(rendered.output, createWriteStream(options.out));
    const seconds = (performance.now() - began) / 1000;
    context.stdout.write(`rows: ${rendered.rows()}\nseconds: ${seconds.toFixed(3)}\n`);
    if (options.stats) context.stdout.write(`${stats(rendered.rows(), began)}\n`);
    return 0;
  },
});
