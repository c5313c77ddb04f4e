/**
 * Runs one export of a flow to a local file in this process and prints its figures as JSON:
 * used by the memory test and the benchmark (each in a fresh process, so peak RSS is its own).
 * Usage: tsx test/support/export-to-file.ts <database url> <master key> <workspace id> <out file>
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { FIVE_FILTER_EXPORT } from './participation-fixture.js';
import { systemClock } from '../../runtime/clock.js';
import { ModuleRegistry } from '../../runtime/module-registry.js';
import { MODULES } from '../../modules/index.js';
import { openStorage } from '../../storage/storage.js';
import { getWorkspace } from '../../storage/workspace-repository.js';
import { prepareExport } from '../../exporter/export-service.js';
import { renderExport } from '../../exporter/pipeline/render-export.js';
import type { ExportDefinition } from '../../exporter/definition/export-definition.js';

const [databaseUrl, masterKey, workspaceId, outFile] = process.argv.slice(2) as [string, string, string, string];
const storage = await openStorage({ connectionString: databaseUrl, masterKey, clock: systemClock, schedule: false, migrate: false, poolSize: 4 });
try {
  const workspace = (await getWorkspace(storage, workspaceId))!;
  const definition = FIVE_FILTER_EXPORT as unknown as ExportDefinition;
  const prepared = await prepareExport(storage, new ModuleRegistry(MODULES), workspace, definition);
  const began = performance.now();
  const rendered = renderExport({ compiled: prepared.compiled, format: definition.format, records: prepared.records() });
  await pipeline(rendered.output, createWriteStream(outFile));
  const seconds = (performance.now() - began) / 1000;
  process.stdout.write(`${JSON.stringify({ rows: rendered.rows(), seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
} finally {
  await storage.close();
}
