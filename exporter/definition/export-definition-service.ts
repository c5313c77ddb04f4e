import { keepStoredSecrets, splitSecrets } from './definition-secrets.js';
import type { ExportDefinition, ExportSource } from './export-definition.js';
import { storedDefinition, type StoredExportDefinition } from './stored-definition.js';
import { validateExportDefinition } from './validate-export-definition.js';
import type { CatalogueField } from '../catalogue/catalogue-field.js';
import { flowHasWinners } from '../catalogue/flow-field-catalogue.js';
import { catalogueLookup, isTableSource, sourceCatalogue, sourceFlow } from '../catalogue/source-catalogue.js';
import { requireExport } from '../export-service.js';
import { ParleyError } from '../../core/errors.js';
import type { ModuleRegistry } from '../../core/module-registry.js';
import { createExport, getExportSecrets, replaceExport, type ExportRecordRow } from '../../storage/export-repository.js';
import type { StoreContext } from '../../storage/store-context.js';
import { getWorkspace, type Workspace } from '../../storage/workspace-repository.js';

/** What the definition service works with. */
export interface ExportDefinitionDeps {
  readonly storage: StoreContext;
  /** The module registry: a flow source's catalogue comes from its modules. */
  readonly registry: ModuleRegistry;
  /** Told of every saved export (the scheduler runs one triggered `immediate` at once). */
  readonly scheduler: { exportSaved(row: ExportRecordRow): Promise<void> };
}

/** The credentials an export has stored, with the destination kind they belong to. */
type StoredCredentials = { readonly kind: unknown; readonly secrets: Record<string, unknown> | null };

/** A definition ready to store: the visible part (credential keys listed) and the credentials to seal. */
interface DefinitionForStorage {
  readonly stored: StoredExportDefinition;
  readonly secrets: Record<string, unknown> | null;
}

/** What a source offers an export. */
export interface SourceFields {
  readonly fields: readonly CatalogueField[];
  /** A winners-only scope applies: the flow records winners. */
  readonly winnersOffered: boolean;
}

/** A definition being drafted (not saved): checked as saving would, with the workspace it reads. */
export interface CheckedDraft {
  readonly workspace: Workspace;
  readonly definition: ExportDefinition;
}

/**
 * Saving custom exports: a definition is validated against its source's catalogue (as of the
 * workspace's time zone and the injected clock), its destination credentials are split out to be
 * stored encrypted — a replacement that leaves them out keeps the stored ones, as the API never
 * shows them — and the scheduler is told, so an `immediate` export runs as it is saved.
 *
 * @example
 * const definitions = new ExportDefinitionService({ storage, registry, scheduler: exportJobs });
 * const row = await definitions.create(workspaceId, requestBody);
 */
export class ExportDefinitionService {
  constructor(private readonly deps: ExportDefinitionDeps) {}

  /** Validates and stores a new export. */
  async create(workspaceId: string, input: unknown): Promise<ExportRecordRow> {
    const { stored, secrets } = await this.#forStorage(workspaceId, input);
    const row = await createExport(this.deps.storage, workspaceId, stored, secrets);
    await this.deps.scheduler.exportSaved(row);
    return row;
  }

  /**
   * Validates and replaces an export (`not_found` when the workspace has no such export).
   * Credentials it leaves out keep their stored values, unless it changes the destination kind
   * or sends credentials of its own (then those replace the stored set).
   */
  async replace(workspaceId: string, exportId: string, input: unknown): Promise<ExportRecordRow> {
    const existing = await requireExport(this.deps.storage, workspaceId, exportId);
    const { stored, secrets } = await this.#forStorage(workspaceId, input, await this.#storedCredentials(existing));
    const row = await replaceExport(this.deps.storage, workspaceId, existing.id, stored, secrets);
    if (!row) throw new ParleyError('not_found', 'No such export in this workspace');
    await this.deps.scheduler.exportSaved(row);
    return row;
  }

  /**
   * Checks a definition that is not saved (the console's builder previews it): as saving would,
   * but without what only delivery needs (destination, GPG key, trigger, manifest).
   */
  async checkDraft(workspaceId: string, input: ExportDefinition): Promise<CheckedDraft> {
    const { destination: _destination, encryption: _encryption, trigger: _trigger, manifest: _manifest, ...content } = input;
    const workspace = await this.#workspace(workspaceId);
    return { workspace, definition: await this.#validated(workspace, content) };
  }

  /**
   * A destination as typed in the builder, its left-out credentials taken from a saved export of
   * the same kind (`exportId`; `not_found` at `path` when there is no such export).
   */
  async draftDestination(workspaceId: string, destination: Readonly<Record<string, unknown>>, exportId: string | undefined, path: string): Promise<Readonly<Record<string, unknown>>> {
    if (exportId === undefined) return destination;
    const row = await requireExport(this.deps.storage, workspaceId, exportId).catch((error: unknown) => {
      throw error instanceof ParleyError && error.code === 'not_found' ? new ParleyError('not_found', 'No such export', { path }) : error;
    });
    return keepStoredSecrets(destination, await this.#storedCredentials(row));
  }

  /**
   * The fields a source offers in a workspace, and whether a winners-only scope means something
   * for it (a flow with a draw or an instant win); ValidationError under `path` for a flow that
   * does not exist.
   */
  async fieldCatalogue(workspaceId: string, source: ExportSource, path: string): Promise<SourceFields> {
    const { storage, registry } = this.deps;
    const flow = await sourceFlow(storage, workspaceId, source, path);
    return { fields: sourceCatalogue(source, flow, registry), winnersOffered: !isTableSource(source) && flow !== undefined && flowHasWinners(flow.definition, registry) };
  }

  async #forStorage(workspaceId: string, input: unknown, previous?: StoredCredentials): Promise<DefinitionForStorage> {
    const workspace = await this.#workspace(workspaceId);
    const definition = await this.#validated(workspace, withStoredSecrets(input, previous));
    const { visible, secrets } = splitSecrets(definition.destination);
    return { stored: { ...definition, ...(visible && { destination: visible }), secretKeys: secrets ? Object.keys(secrets) : [] }, secrets };
  }

  async #validated(workspace: Workspace, input: unknown): Promise<ExportDefinition> {
    const { storage, registry } = this.deps;
    return validateExportDefinition(input, catalogueLookup(storage, registry, workspace.id), { timeZone: workspace.timeZone, now: storage.clock.now() });
  }

  async #workspace(workspaceId: string): Promise<Workspace> {
    const workspace = await getWorkspace(this.deps.storage, workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    return workspace;
  }

  async #storedCredentials(row: ExportRecordRow): Promise<StoredCredentials> {
    return { kind: storedDefinition(row).destination?.kind, secrets: await getExportSecrets(this.deps.storage, row.workspaceId, row.id) };
  }
}

/** The input with its destination completed by the stored credentials, as `keepStoredSecrets` allows. */
function withStoredSecrets(input: unknown, previous: StoredCredentials | undefined): unknown {
  const destination = (input as { destination?: unknown } | null)?.destination;
  if (!previous || typeof destination !== 'object' || destination === null) return input;
  return { ...(input as object), destination: keepStoredSecrets(destination as Readonly<Record<string, unknown>>, previous) };
}
