import type { ExportDefinition } from '../definition/export-definition.js';
import { prepareExport, type ExportStorage } from '../export-service.js';
import { createSerializer } from '../serializers/index.js';
import { previewRows } from './render-export.js';
import type { ModuleRegistry } from '../../core/module-registry.js';

/** A dry run: the column names, the first rows as cells, and those rows as the file would hold them. */
export interface ExportPreview {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly text: string;
}

/**
 * Renders the first `limit` rows of a definition (saved or not) without delivering anything:
 * conditions, filters and field parameters applied, serialized in the chosen format.
 */
export async function previewExport(storage: ExportStorage, registry: ModuleRegistry, workspace: { id: string; timeZone: string }, definition: ExportDefinition, limit: number): Promise<ExportPreview> {
  const prepared = await prepareExport(storage, registry, workspace, definition);
  const rows = await previewRows(prepared.compiled, prepared.records('cursor'), limit);
  const serializer = createSerializer(definition.format, prepared.compiled.columns);
  const text = serializer.begin() + rows.map((cells, i) => serializer.row(cells, i)).join('') + serializer.end();
  return { columns: prepared.compiled.columns.map((c) => c.name), rows, text };
}
