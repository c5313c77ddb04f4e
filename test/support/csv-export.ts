import { parse } from 'csv-parse/sync';
import { buffer } from 'node:stream/consumers';
import { prepareExport } from '../../exporter/export-service.js';
import { renderExport } from '../../exporter/pipeline/render-export.js';
import type { ExportDefinition } from '../../exporter/definition/export-definition.js';
import type { Condition } from '../../exporter/conditions/condition.js';
import type { Workspace } from '../../storage/workspace-repository.js';
import type { TestStorage } from './test-database.js';
import { registry } from './flow-harness.js';

/** A field of a test export: a catalogue key with its column, or a whole field definition. */
export type TestExportField = readonly [field: string, column: string] | Readonly<Record<string, unknown>>;

/** A CSV export of a flow's `fields`, kept by `conditions`, as an owner would define it. */
export function csvExportOf(flow: string, fields: readonly TestExportField[], conditions: readonly Condition[] = []): ExportDefinition {
  return {
    name: 'Test export',
    source: { flow },
    fields: fields.map((f) => (Array.isArray(f) ? { field: f[0], column: f[1] } : f)),
    conditions,
    format: { type: 'csv' },
    fileNamePattern: '{export}',
  } as unknown as ExportDefinition;
}

/** Runs an export the way a run does (prepare, then render) and parses its CSV: the header row, then a row per record. */
export async function exportedCsv(storage: TestStorage, workspace: Workspace, definition: ExportDefinition): Promise<string[][]> {
  const prepared = await prepareExport(storage, registry, workspace, definition);
  const rendered = renderExport({ compiled: prepared.compiled, format: definition.format, records: prepared.records() });
  return parse((await buffer(rendered.output)).toString('utf8')) as string[][];
}
