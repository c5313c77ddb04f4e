import type { Readable } from 'node:stream';
import type pg from 'pg';
import type { CatalogueField, ReadContext } from './catalogue/catalogue-field.js';
import { flowWritesEntries } from './catalogue/flow-field-catalogue.js';
import { isTableSource, sourceCatalogue, sourceFlow } from './catalogue/source-catalogue.js';
import { joinSecrets } from './definition/definition-secrets.js';
import type { ExportDefinition } from './definition/export-definition.js';
import { storedDefinition, type StoredExportDefinition } from './definition/stored-definition.js';
import { validateDestination, type DestinationConfig } from './destinations/create-destination.js';
import { compileExport, type CompiledExport } from './pipeline/record-mapper.js';
import { renderExport, type RenderedExport } from './pipeline/render-export.js';
import { ParleyError } from '../core/errors.js';
import type { ModuleRegistry } from '../core/module-registry.js';
import { getExport, getExportSecrets, type ExportRecordRow } from '../storage/export-repository.js';
import { participantScope, streamFlowRecords, streamTableRecords, type FirstSeenWindow, type RecordTransport } from '../storage/export-source.js';
import type { FlowRecord } from '../storage/flow-repository.js';
import type { StoreContext } from '../storage/store-context.js';
import { getWorkspace, type Workspace } from '../storage/workspace-repository.js';

/** What reading an export's rows needs: the store context and the pool its cursors stream from. */
export type ExportStorage = StoreContext & { readonly pool: pg.Pool };

/** An export of a workspace, as every use of one starts: its row, its workspace and its definition. */
export interface LoadedExport {
  readonly row: ExportRecordRow;
  readonly workspace: Workspace;
  readonly definition: StoredExportDefinition;
}

/** The export's row; `not_found` when the workspace has no such export. */
export async function requireExport(storage: StoreContext, workspaceId: string, exportId: string): Promise<ExportRecordRow> {
  const row = await getExport(storage, workspaceId, exportId);
  if (!row) throw new ParleyError('not_found', 'No such export in this workspace');
  return row;
}

/**
 * Loads an export for a run, a render, a preview or a destination check (`not_found` when it or
 * its workspace is gone).
 *
 * @example
 * const loaded = await loadExport(storage, workspaceId, exportId);
 */
export async function loadExport(storage: StoreContext, workspaceId: string, exportId: string): Promise<LoadedExport> {
  const [row, workspace] = await Promise.all([requireExport(storage, workspaceId, exportId), getWorkspace(storage, workspaceId)]);
  if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
  return { row, workspace, definition: storedDefinition(row) };
}

/** Everything one run of a definition needs to produce rows: its flow, records, and compiled mapping. */
export interface PreparedExport {
  readonly flow: FlowRecord | undefined;
  readonly catalogue: readonly CatalogueField[];
  readonly compiled: CompiledExport;
  /**
   * The records, read through `COPY` (the default: a whole export) or a cursor (`'cursor'`: a
   * preview that stops after its first rows keeps its connection).
   */
  records(transport?: RecordTransport): Readable;
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
  const flow = await sourceFlow(storage, workspace.id, source, '/source');
  const catalogue = sourceCatalogue(source, flow, registry);
  const context: ReadContext & { timeZone: string; locale: 'fr' | 'en'; now: Date } = {
    flow: flow ? { hashId: flow.hashId, name: flow.name } : null,
    timeZone: workspace.timeZone,
    locale: definition.locale ?? 'fr',
    now: storage.clock.now(),
  };
  const compiled = await compileExport(definition, catalogue, context);
  const records = (transport: RecordTransport = 'copy') =>
    isTableSource(source)
      ? streamTableRecords(storage, { workspaceId: workspace.id, table: source.table, flowId: flow?.id, transport })
      : streamFlowRecords(storage, {
          transport,
          workspaceId: workspace.id,
          flowId: flow!.id,
          scope: selection ? participantScope(definition.scope ?? 'entries') : (definition.scope ?? 'entries'),
          related: compiled.related,
          sealed: compiled.sealed,
          sealedEntry: compiled.sealedEntry,
          sealedRelated: compiled.sealedRelated,
          ...(compiled.variableRows && { variableRows: compiled.variableRows }),
          entryColumns: compiled.entryColumns,
          ...(compiled.projections && { projections: compiled.projections }),
          ...(selection && selection !== 'all' && { firstSeen: selection }),
          sessionEntries: !flowWritesEntries(flow!.definition, registry),
        });
  return { flow, catalogue, compiled, records };
}

/** A loaded export rendered as a stream, with the flow it read (file names use its name). */
export interface RenderedLoadedExport {
  readonly flow: FlowRecord | undefined;
  readonly rendered: RenderedExport;
}

/**
 * load → prepare → render, the one way a stored export becomes bytes (a run, `parley export
 * render`): records → conditions and mapping → serializer, as one stream.
 */
export async function renderLoadedExport(
  storage: ExportStorage,
  registry: ModuleRegistry,
  loaded: LoadedExport,
  options: { selection?: FirstSeenWindow | 'all'; onProgress?: (rows: number) => void } = {},
): Promise<RenderedLoadedExport> {
  const { definition, workspace } = loaded;
  const prepared = await prepareExport(storage, registry, workspace, definition, options.selection);
  const rendered = renderExport({ compiled: prepared.compiled, format: definition.format, records: prepared.records(), ...(options.onProgress && { onProgress: options.onProgress }) });
  return { flow: prepared.flow, rendered };
}

/** The export's destination settings (credentials apart); `conflict` (path `/destination`) when it has none. */
export function requireDestination(loaded: LoadedExport): NonNullable<ExportDefinition['destination']> {
  if (!loaded.definition.destination) throw new ParleyError('conflict', 'This export has no destination', { path: '/destination' });
  return loaded.definition.destination;
}

/**
 * The destination of a loaded export with its decrypted credentials, checked against its kind's
 * schema; `conflict` (path `/destination`) when the export has none.
 */
export async function destinationConfigOf(storage: StoreContext, loaded: LoadedExport): Promise<DestinationConfig> {
  const destination = requireDestination(loaded);
  return validateDestination(joinSecrets(destination, await getExportSecrets(storage, loaded.row.workspaceId, loaded.row.id)));
}
