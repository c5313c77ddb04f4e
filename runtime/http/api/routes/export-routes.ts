import { defineRoute, type ApiCall } from '../api-route.js';
import { audit } from '../audit.js';
import { exportDefinitionBodySchema, exportIdParams, exportSchema } from '../schemas/export-schemas.js';
import { ParleyError } from '../../../../core/errors.js';
import { catalogueLookup } from '../../../../exporter/export-service.js';
import { keepStoredSecrets, redactedDestination, splitSecrets } from '../../../../exporter/definition/definition-secrets.js';
import { nextOccurrence, validateTrigger } from '../../../../exporter/triggers/trigger.js';
import { validateExportDefinition } from '../../../../exporter/definition/validate-export-definition.js';
import { createExport, deleteExport, getExport, getExportSecrets, listExports, replaceExport, type ExportRecordRow } from '../../../../storage/export-repository.js';
import { getWorkspace, type Workspace } from '../../../../storage/workspace-repository.js';
import { storedDefinition } from '../../../../exporter/definition/stored-definition.js';
import { latestRuns, listRuns, type ExportRun } from '../../../../storage/export-run-repository.js';

/** What the API says of an export besides its definition: when its trigger fires next (workspace zone) and its latest run. */
interface ExportStatus {
  readonly timeZone: string;
  readonly now: Date;
  readonly lastRun: ExportRun | undefined;
}

/** When a stored trigger fires next; null when it never will (or no longer reads in the workspace zone). */
function nextRunAt(trigger: unknown, status: ExportStatus): Date | null {
  if (trigger === undefined) return null;
  try {
    return nextOccurrence(validateTrigger(trigger, status.timeZone, '/definition/trigger'), status.now, status.timeZone);
  } catch {
    return null;
  }
}

/** An export as the API shows it: credentials never come back. */
export function exportJson(row: ExportRecordRow, status: ExportStatus) {
  const definition = storedDefinition(row);
  const { secretKeys = [], ...rest } = definition;
  const shown = { ...rest, ...(rest.destination && { destination: redactedDestination(rest.destination, secretKeys) }) };
  const next = nextRunAt(definition.trigger, status);
  const run = status.lastRun;
  return {
    id: row.id,
    version: row.version,
    definition: shown,
    nextRunAt: next?.toISOString() ?? null,
    lastRun: run ? { id: run.id, run: run.runNumber, status: run.status, queuedAt: run.queuedAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null } : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** One export as the API answers it, with its next occurrence and latest run. */
async function oneExportJson(call: ApiCall<any, any, any>, row: ExportRecordRow) {
  const [workspace, [lastRun]] = await Promise.all([requireWorkspace(call), listRuns(call.services.storage, call.principal.workspaceId, row.id, 1)]);
  return exportJson(row, { timeZone: workspace.timeZone, now: call.services.clock.now(), lastRun });
}

/** Validates a definition and splits destination credentials out for encrypted storage. */
export async function validatedForStorage(call: ApiCall<any, any, unknown>, previous?: { kind: unknown; secrets: Record<string, unknown> | null }) {
  const workspace = await requireWorkspace(call);
  const body = call.body as { destination?: Record<string, unknown> };
  const input = body.destination ? { ...body, destination: keepStoredSecrets(body.destination, previous) } : body;
  const definition = await validateExportDefinition(input, catalogueLookup(call.services.storage, call.services.flows.registry, workspace.id), {
    timeZone: workspace.timeZone,
    now: call.services.clock.now(),
  });
  const { visible, secrets } = splitSecrets(definition.destination);
  const stored = { ...definition, ...(visible && { destination: visible }), secretKeys: secrets ? Object.keys(secrets) : [] };
  return { definition, stored, secrets };
}

/** An export whose trigger is `immediate` runs as soon as it is saved. */
async function runIfImmediate(call: ApiCall<any, any, any>, row: ExportRecordRow): Promise<void> {
  if (storedDefinition(row).trigger?.type === 'immediate') await call.services.exports.enqueue(row, 'immediate');
}

/** The caller's workspace (its time zone dates triggers, file names and windows). */
export async function requireWorkspace(call: ApiCall<any, any, any>): Promise<Workspace> {
  const workspace = await getWorkspace(call.services.storage, call.principal.workspaceId);
  if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
  return workspace;
}

/** The export the path names, in the caller's workspace (404 otherwise). */
export async function requireExport(call: ApiCall<{ exportId: string }, any, any>): Promise<ExportRecordRow> {
  const row = await getExport(call.services.storage, call.principal.workspaceId, call.params.exportId);
  if (!row) throw new ParleyError('not_found', 'No such export');
  return row;
}

export const listExportsRoute = defineRoute({
  method: 'get',
  path: '/exports',
  operationId: 'listExports',
  summary: 'Every custom export of the workspace',
  tag: 'exports',
  responses: { 200: { description: 'Exports', schema: { type: 'object', additionalProperties: false, required: ['exports'], properties: { exports: { type: 'array', items: exportSchema } } } } },
  async handler(call) {
    const { storage, clock } = call.services;
    const [workspace, rows, lastRuns] = await Promise.all([requireWorkspace(call), listExports(storage, call.principal.workspaceId), latestRuns(storage, call.principal.workspaceId)]);
    const now = clock.now();
    return { body: { exports: rows.map((row) => exportJson(row, { timeZone: workspace.timeZone, now, lastRun: lastRuns.get(row.id) })) } };
  },
});

export const createExportRoute = defineRoute<unknown, unknown, unknown>({
  method: 'post',
  path: '/exports',
  operationId: 'createExport',
  summary: 'Define a custom export (validated: fields, filters, conditions, format, file-name pattern)',
  tag: 'exports',
  body: exportDefinitionBodySchema,
  responses: { 201: { description: 'Created', schema: exportSchema } },
  async handler(call) {
    const { stored, secrets } = await validatedForStorage(call);
    const row = await createExport(call.services.storage, call.principal.workspaceId, stored, secrets);
    await audit(call, 'export.created', row.id);
    await runIfImmediate(call, row);
    return { status: 201, body: await oneExportJson(call, row) };
  },
});

export const getExportRoute = defineRoute<{ exportId: string }>({
  method: 'get',
  path: '/exports/{exportId}',
  operationId: 'getExport',
  summary: 'One custom export (credentials are write-only)',
  tag: 'exports',
  params: exportIdParams,
  responses: { 200: { description: 'The export', schema: exportSchema } },
  async handler(call) {
    return { body: await oneExportJson(call, await requireExport(call)) };
  },
});

export const putExportRoute = defineRoute<{ exportId: string }, unknown, unknown>({
  method: 'put',
  path: '/exports/{exportId}',
  operationId: 'replaceExport',
  summary: 'Replace a custom export; credentials left out keep their stored values, unless the destination kind changes or the body sends credentials of its own (then those replace the stored set)',
  tag: 'exports',
  params: exportIdParams,
  body: exportDefinitionBodySchema,
  responses: { 200: { description: 'Replaced', schema: exportSchema } },
  async handler(call) {
    const existing = await requireExport(call);
    const storedSecrets = await getExportSecrets(call.services.storage, call.principal.workspaceId, existing.id);
    const { stored, secrets } = await validatedForStorage(call, { kind: storedDefinition(existing).destination?.kind, secrets: storedSecrets });
    const row = await replaceExport(call.services.storage, call.principal.workspaceId, existing.id, stored, secrets);
    await audit(call, 'export.replaced', existing.id);
    await runIfImmediate(call, row!);
    return { body: await oneExportJson(call, row!) };
  },
});

export const deleteExportRoute = defineRoute<{ exportId: string }>({
  method: 'delete',
  path: '/exports/{exportId}',
  operationId: 'deleteExport',
  summary: 'Delete a custom export and its run history',
  tag: 'exports',
  params: exportIdParams,
  responses: { 204: { description: 'Deleted' } },
  async handler(call) {
    if (!(await deleteExport(call.services.storage, call.principal.workspaceId, call.params.exportId))) throw new ParleyError('not_found', 'No such export');
    await audit(call, 'export.deleted', call.params.exportId);
    return { status: 204 };
  },
});
