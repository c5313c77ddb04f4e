import type { Readable } from 'node:stream';
import type pg from 'pg';
import type { CatalogueField, ReadContext } from './catalogue/catalogue-field.js';
import { flowFieldCatalogue } from './catalogue/flow-field-catalogue.js';
import { TABLE_FIELDS } from './catalogue/table-field-catalogue.js';
import type { ExportDefinition } from './definition/export-definition.js';
import type { CatalogueLookup } from './definition/validate-export-definition.js';
import { compileExport, type CompiledExport } from './pipeline/record-mapper.js';
import type { ModuleRegistry } from '../core/module-registry.js';
import { ValidationError } from '../core/errors.js';
import { participantScope, streamFlowRecords, streamTableRecords, type FirstSeenWindow } from '../storage/export-source.js';
import { getFlow, type FlowRecord } from '../storage/flow-repository.js';
import type { StoreContext } from '../storage/store-context.js';

export type ExportStorage = StoreContext & { readonly pool: pg.Pool };

/** Resolves the field catalogue of a definition's source (a flow must exist in the workspace). */
export function catalogueLookup(storage: StoreContext, registry: ModuleRegistry, workspaceId: string): CatalogueLookup {
  return async (source, path) => {
    if ('table' in source && source.table) return TABLE_FIELDS;
    const flow = await getFlow(storage.db, workspaceId, (source as { flow: string }).flow);
    if (!flow) throw new ValidationError('No such flow in this workspace', `${path}/flow`);
    return flowFieldCatalogue(flow.definition, registry);
  };
}

/** Everything one run of a definition needs to produce rows: its flow, records, and compiled mapping. */
export interface PreparedExport {
  readonly flow: FlowRecord | undefined;
  readonly catalogue: readonly CatalogueField[];
  readonly compiled: CompiledExport;
  records(): Readable;
}

/**
 * Resolves the flow and catalogue and compiles the mapping. `selection` narrows a flow export to
 * participants (daily modes): all of them, or those first seen in a window; a winners-only export
 * stays winners only.
 */
export async function prepareExport(
  storage: ExportStorage,
  registry: ModuleRegistry,
  workspace: { id: string; timeZone: string },
  definition: ExportDefinition,
  selection?: FirstSeenWindow | 'all',
): Promise<PreparedExport> {
  const source = definition.source;
  const flowSlug = 'flow' in source ? source.flow : undefined;
  const flow = flowSlug ? await getFlow(storage.db, workspace.id, flowSlug) : undefined;
  if (flowSlug && !flow) throw new ValidationError('No such flow in this workspace', '/source/flow');
  const catalogue = await catalogueLookup(storage, registry, workspace.id)(source, '/source');
  const context: ReadContext & { timeZone: string; locale: 'fr' | 'en'; now: Date } = {
    flow: flow ? { hashId: flow.hashId, name: flow.name } : null,
    timeZone: workspace.timeZone,
    locale: definition.locale ?? 'fr',
    now: storage.clock.now(),
  };
  const compiled = compileExport(definition, catalogue, context);
  const records = () =>
    'table' in source && source.table
      ? streamTableRecords(storage, { workspaceId: workspace.id, table: source.table, flowId: flow?.id })
      : streamFlowRecords(storage, {
          workspaceId: workspace.id,
          flowId: flow!.id,
          scope: selection ? participantScope(definition.scope ?? 'entries') : (definition.scope ?? 'entries'),
          related: compiled.related,
          ...(selection && selection !== 'all' && { firstSeen: selection }),
        });
  return { flow, catalogue, compiled, records };
}
