import { defineRoute, type ApiCall } from '../api-route.js';
import { audit } from '../audit.js';
import { catalogueSchema, exportDefinitionBodySchema, exportIdParams, exportSchema } from '../schemas/export-schemas.js';
import { ParleyError, ValidationError } from '../../../../core/errors.js';
import { isStoreTable } from '../../../../core/store-tables.js';
import { FIELD_GROUPS } from '../../../../exporter/catalogue/catalogue-field.js';
import { catalogueLookup } from '../../../../exporter/export-service.js';
import type { ExportDefinition } from '../../../../exporter/definition/export-definition.js';
import { redactedDestination, splitSecrets } from '../../../../exporter/definition/definition-secrets.js';
import { validateExportDefinition } from '../../../../exporter/definition/validate-export-definition.js';
import { createExport, deleteExport, getExport, getExportSecrets, listExports, replaceExport, type ExportRecordRow } from '../../../../storage/export-repository.js';
import { getWorkspace } from '../../../../storage/workspace-repository.js';
import { storedDefinition } from '../../../../exporter/definition/stored-definition.js';

/** An export as the API shows it: credentials never come back. */
export function exportJson(row: ExportRecordRow) {
  const definition = storedDefinition(row);
  const { secretKeys = [], ...rest } = definition;
  const shown = { ...rest, ...(rest.destination && { destination: redactedDestination(rest.destination, secretKeys) }) };
  return { id: row.id, version: row.version, definition: shown, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/**
 * Validates a definition and splits destination credentials out for encrypted storage.
 * Credentials left out of a replacement keep their stored values (they are write-only).
 */
export async function validatedForStorage(call: ApiCall<any, any, unknown>, storedSecrets: Record<string, unknown> | null = null) {
  const workspace = await getWorkspace(call.services.storage, call.principal.workspaceId);
  if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
  const body = call.body as { destination?: Record<string, unknown> };
  const input = body.destination && storedSecrets ? { ...body, destination: { ...storedSecrets, ...body.destination } } : body;
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
  async handler({ principal, services }) {
    return { body: { exports: (await listExports(services.storage, principal.workspaceId)).map(exportJson) } };
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
    return { status: 201, body: exportJson(row) };
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
    return { body: exportJson(await requireExport(call)) };
  },
});

export const putExportRoute = defineRoute<{ exportId: string }, unknown, unknown>({
  method: 'put',
  path: '/exports/{exportId}',
  operationId: 'replaceExport',
  summary: 'Replace a custom export; credentials left out keep their stored value',
  tag: 'exports',
  params: exportIdParams,
  body: exportDefinitionBodySchema,
  responses: { 200: { description: 'Replaced', schema: exportSchema } },
  async handler(call) {
    const existing = await requireExport(call);
    const storedSecrets = await getExportSecrets(call.services.storage, call.principal.workspaceId, existing.id);
    const { stored, secrets } = await validatedForStorage(call, storedSecrets);
    const row = await replaceExport(call.services.storage, call.principal.workspaceId, existing.id, stored, secrets);
    await audit(call, 'export.replaced', existing.id);
    await runIfImmediate(call, row!);
    return { body: exportJson(row!) };
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

export const exportFieldsRoute = defineRoute<unknown, { flow?: string; table?: string }>({
  method: 'get',
  path: '/exports/fields',
  operationId: 'listExportFields',
  summary: 'The fields a flow (or a table) offers to custom exports, grouped: form, device, operation, gift, external, variable (host page), custom',
  tag: 'exports',
  query: {
    type: 'object',
    additionalProperties: false,
    properties: { flow: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }, table: { type: 'string', maxLength: 64 } },
  },
  responses: { 200: { description: 'Field catalogue', schema: catalogueSchema } },
  async handler(call) {
    if (call.query.table !== undefined && !isStoreTable(call.query.table)) throw new ValidationError('Unknown table', '/query/table');
    if (call.query.table === undefined && call.query.flow === undefined) throw new ValidationError('Name a flow or a table', '/query/flow');
    const source = call.query.table ? { table: call.query.table } : { flow: call.query.flow ?? '' };
    const fields = await catalogueLookup(call.services.storage, call.services.flows.registry, call.principal.workspaceId)(source as ExportDefinition['source'], '/query');
    const groups = FIELD_GROUPS.map((group) => ({
      group,
      fields:
        group === 'custom'
          ? [{ key: 'custom', label: 'Constant value', type: 'text', personal: false }]
          : fields.filter((f) => f.group === group).map((f) => ({ key: f.key, label: f.label, type: f.type, personal: f.personal })),
    }));
    return { body: { groups } };
  },
});
