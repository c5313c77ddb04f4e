import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.js';
import { ParleyError } from '../errors.js';
import { createLogger } from '../logger.js';
import { ModuleRegistry } from '../module-registry.js';
import { MODULES } from '../../modules/index.js';
import type { ExportDefinition } from '../../exporter/definition/export-definition.js';
import { prepareExport } from '../../exporter/export-service.js';
import { renderExport } from '../../exporter/pipeline/render-export.js';
import { getExport } from '../../storage/export-repository.js';
import { getRun, queueRun } from '../../storage/export-run-repository.js';
import type { Storage } from '../../storage/storage.js';
import { getWorkspace } from '../../storage/workspace-repository.js';

interface Io {
  stdout: { write(text: string): unknown };
}

function ids(rest: string[]) {
  const { values } = parseArgs({ args: rest, options: { workspace: { type: 'string' }, export: { type: 'string' }, out: { type: 'string' }, stats: { type: 'boolean' } } });
  for (const [flag, value] of [['--workspace', values.workspace], ['--export', values.export]] as const) {
    if (!value || !/^[0-9a-f-]{36}$/i.test(value)) throw new ParleyError('bad_request', `${flag} must be an id`, { path: flag });
  }
  return values as { workspace: string; export: string; out?: string; stats?: boolean };
}

/** `--stats`: rows, seconds since `began` and the process's peak RSS, as one JSON line. */
function stats(rows: number, began: number): string {
  return JSON.stringify({ rows, seconds: (performance.now() - began) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 });
}

/**
 * `parley export run` runs an export now, in this process, through its destination (recorded in
 * the run history); `parley export render` writes it to a local file without delivering it.
 */
export async function runExportCommand(storage: Storage, sub: string | undefined, rest: string[], io: Io, config: Config): Promise<number> {
  const args = ids(rest);
  const row = await getExport(storage, args.workspace, args.export);
  const workspace = await getWorkspace(storage, args.workspace);
  if (!row || !workspace) throw new ParleyError('not_found', 'No such export in this workspace', { path: '--export' });
  const registry = new ModuleRegistry(MODULES);
  if (sub === 'run') {
    const run = await queueRun(storage, { exportId: row.id, workspaceId: workspace.id, trigger: 'manual', definitionVersion: row.version });
    const logger = createLogger('silent');
    // Loaded here: the runner brings every destination's client and openpgp, which `render` never needs.
    const { executeRun } = await import('../../exporter/run/export-runner.js');
    const began = performance.now();
    const outcome = await executeRun({ storage, registry, localRoot: path.join(config.dataDir, 'exports'), logger }, run!.id);
    const done = (await getRun(storage, run!.id))!;
    io.stdout.write(`run ${done.runNumber}: ${outcome}\nrows: ${done.rows ?? 0}\nbytes: ${done.bytes ?? 0}\nsha256: ${done.sha256 ?? '-'}\nfile: ${done.fileName ?? '-'}\ndestination: ${done.destination ?? '-'}\n${done.error ? `error: ${done.error}\n` : ''}`);
    if (args.stats) io.stdout.write(`${stats(done.rows ?? 0, began)}\n`);
    return outcome === 'succeeded' ? 0 : 1;
  }
  if (sub === 'render') {
    if (!args.out) throw new ParleyError('bad_request', '--out names the file to write', { path: '--out' });
    const definition = row.definition as unknown as ExportDefinition;
    const prepared = await prepareExport(storage, registry, workspace, definition);
    const began = performance.now();
    const rendered = renderExport({ compiled: prepared.compiled, format: definition.format, records: prepared.records() });
    await pipeline(rendered.output, createWriteStream(args.out));
    const seconds = (performance.now() - began) / 1000;
    io.stdout.write(`rows: ${rendered.rows()}\nseconds: ${seconds.toFixed(3)}\n`);
    if (args.stats) io.stdout.write(`${stats(rendered.rows(), began)}\n`);
    return 0;
  }
  throw new ParleyError('bad_request', 'Use parley export run|render');
}
