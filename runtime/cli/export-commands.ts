import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { defineCommand, requireId } from './cli-command.js';
import { ParleyError } from '../errors.js';
import { createLogger } from '../logger.js';
import { ModuleRegistry } from '../module-registry.js';
import { MODULES } from '../../modules/index.js';
import type { ExportDefinition } from '../../exporter/definition/export-definition.js';
import { prepareExport } from '../../exporter/export-service.js';
import { renderExport } from '../../exporter/pipeline/render-export.js';
import { executeRun } from '../../exporter/run/export-runner.js';
import { getExport } from '../../storage/export-repository.js';
import { getRun, queueRun } from '../../storage/export-run-repository.js';
import type { Storage } from '../../storage/storage.js';
import { getWorkspace } from '../../storage/workspace-repository.js';

const ids = {
  workspace: { type: 'string', value: 'ID', help: 'the workspace', required: true },
  export: { type: 'string', value: 'ID', help: 'the export (its id in the console or the API)', required: true },
} as const;

async function findExport(storage: Storage, options: { workspace: string; export: string }) {
  const [workspaceId, exportId] = [requireId(options.workspace, '--workspace'), requireId(options.export, '--export')];
  const row = await getExport(storage, workspaceId, exportId);
  const workspace = await getWorkspace(storage, workspaceId);
  if (!row || !workspace) throw new ParleyError('not_found', 'no such export in this workspace', { path: '--export' });
  return { row, workspace };
}

/** `parley export run`: runs an export now, in this process, through its destination (recorded in the run history). */
export const exportRunCommand = defineCommand({
  name: 'export run',
  summary: 'Run an export now through its destination',
  details: 'The run is recorded in the export\'s run history; the exit code is 1 when it failed.',
  options: ids,
  async run(options, context) {
    const storage = await context.storage();
    const { row, workspace } = await findExport(storage, options);
    const run = await queueRun(storage, { exportId: row.id, workspaceId: workspace.id, trigger: 'manual', definitionVersion: row.version });
    const logger = createLogger('silent');
    const registry = new ModuleRegistry(MODULES);
    const outcome = await executeRun({ storage, registry, localRoot: path.join(context.config.dataDir, 'exports'), logger }, run!.id);
    const done = (await getRun(storage, run!.id))!;
    context.stdout.write(`run ${done.runNumber}: ${outcome}\nrows: ${done.rows ?? 0}\nbytes: ${done.bytes ?? 0}\nsha256: ${done.sha256 ?? '-'}\nfile: ${done.fileName ?? '-'}\ndestination: ${done.destination ?? '-'}\n${done.error ? `error: ${done.error}\n` : ''}`);
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
    const { row, workspace } = await findExport(storage, options);
    const definition = row.definition as unknown as ExportDefinition;
    const prepared = await prepareExport(storage, new ModuleRegistry(MODULES), workspace, definition);
    const began = performance.now();
    const rendered = renderExport({ compiled: prepared.compiled, format: definition.format, records: prepared.records() });
    await pipeline(rendered.output, createWriteStream(options.out));
    const seconds = (performance.now() - began) / 1000;
    context.stdout.write(`rows: ${rendered.rows()}\nseconds: ${seconds.toFixed(3)}\n`);
    if (options.stats) context.stdout.write(`${JSON.stringify({ rows: rendered.rows(), seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
    return 0;
  },
});
