import type { CatalogueField } from './catalogue-field.js';
import { flowFieldCatalogue } from './flow-field-catalogue.js';
import { TABLE_FIELDS } from './table-field-catalogue.js';
import type { ExportSource } from '../definition/export-definition.js';
import { ValidationError } from '../../core/errors.js';
import type { ModuleRegistry } from '../../core/module-registry.js';
import { getFlow, type FlowRecord } from '../../storage/flow-repository.js';
import type { StoreContext } from '../../storage/store-context.js';

/** The catalogue of a definition's source, as the caller resolves it (a flow must exist). */
export type CatalogueLookup = (source: ExportSource, path: string) => Promise<readonly CatalogueField[]>;

/** Whether a source reads a store table (optionally of one flow) rather than a flow's entries. */
export function isTableSource(source: ExportSource): source is Extract<ExportSource, { table: unknown }> {
  return 'table' in source && source.table !== undefined;
}

/** The flow a source names, if any (a table source may narrow to one flow). */
export function sourceFlowSlug(source: ExportSource): string | undefined {
  return 'flow' in source ? source.flow : undefined;
}

/** The flow a source names in a workspace; ValidationError at `path/flow` when it names one that does not exist. */
export async function sourceFlow(storage: StoreContext, workspaceId: string, source: ExportSource, path: string): Promise<FlowRecord | undefined> {
  const slug = sourceFlowSlug(source);
  if (!slug) return undefined;
  const flow = await getFlow(storage.db, workspaceId, slug);
  if (!flow) throw new ValidationError('No such flow in this workspace', `${path}/flow`);
  return flow;
}

/** The fields a source offers: a table's envelope and data, or what the flow's modules collect. */
export function sourceCatalogue(source: ExportSource, flow: FlowRecord | undefined, registry: ModuleRegistry): readonly CatalogueField[] {
  if (isTableSource(source) || !flow) return TABLE_FIELDS;
  return flowFieldCatalogue(flow.definition, registry);
}

/**
 * Resolves the field catalogue of a definition's source in a workspace (a flow it names must exist).
 *
 * @example
 * const fields = await catalogueLookup(storage, registry, workspaceId)({ flow: 'spring-game' }, '/source');
 */
export function catalogueLookup(storage: StoreContext, registry: ModuleRegistry, workspaceId: string): CatalogueLookup {
  return async (source, path) => sourceCatalogue(source, await sourceFlow(storage, workspaceId, source, path), registry);
}
