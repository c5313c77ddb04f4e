import { defineRoute, type ApiCall } from '../api-route.js';
import { audit } from '../audit.js';
import { exportDefinitionBodySchema, exportIdParams, exportSchema } from '../schemas/export-schemas.js';
import { ParleyError } from '../../../../core/errors.js';
import { shownDefinition } from '../../../../exporter/definition/stored-definition.js';
import { requireExport } from '../../../../exporter/export-service.js';
import { nextOccurrence, validateTrigger } from '../../../../exporter/triggers/trigger.js';
import { deleteExport, listExports, type ExportRecordRow } from '../../../../storage/export-repository.js';
import { latestRuns, listRuns, type ExportRun } from '../../../../storage/export-run-repository.js';
import { getWorkspace, type Workspace } from '../../../../storage/workspace-repository.js';

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
  const shown = shownDefinition(row);
  const next = nextRunAt(shown.trigger, status);
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

/** The caller's workspace (its time zone dates triggers, file names and windows). */
export async function requireWorkspace(call: ApiCall<any, any, any>): Promise<Workspace> {
  const workspace = await getWorkspace(call.services.storage, call.principal.workspaceId);
  if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
  return workspace;
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
    const row = await call.services.exportDefinitions.create(call.principal.workspaceId, call.body);
    await audit(call, 'export.created', row.id);
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
    return { body: await oneExportJson(call, await requireExport(call.services.storage, call.principal.workspaceId, call.params.exportId)) };
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
    const row = await call.services.exportDefinitions.replace(call.principal.workspaceId, call.params.exportId, call.body);
    await audit(call, 'export.replaced', row.id);
    return { body: await oneExportJson(call, row) };
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
    if (!(await deleteExport(call.services.storage, call.principal.workspaceId, call.params.exportId))) throw new ParleyError('not_found', 'No such export in this workspace');
    await audit(call, 'export.deleted', call.params.exportId);
    return { status: 204 };
  },
});
