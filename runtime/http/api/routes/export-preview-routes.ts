import { defineRoute } from '../api-route.js';
import { dataKeyDestroyedResponse } from '../schemas/common-schemas.js';
import { exportIdParams } from '../schemas/export-schemas.js';
import { requireExport } from './export-routes.js';
import { ParleyError } from '../../../../core/errors.js';
import { prepareExport } from '../../../../exporter/export-service.js';
import { previewRows } from '../../../../exporter/pipeline/render-export.js';
import { createSerializer } from '../../../../exporter/serializers/index.js';
import { setExternalFields } from '../../../../storage/export-repository.js';
import { getWorkspace } from '../../../../storage/workspace-repository.js';
import { storedDefinition } from '../../../../exporter/definition/stored-definition.js';

export const previewExportRoute = defineRoute<{ exportId: string }, unknown, { limit?: number }>({
  method: 'post',
  path: '/exports/{exportId}/preview',
  operationId: 'previewExport',
  summary: 'Render the first N rows (default 20) and the column list, with no delivery',
  tag: 'exports',
  params: exportIdParams,
  body: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200 } } },
  responses: {
    200: {
      description: 'Columns, rows and the rendered text',
      schema: {
        type: 'object', additionalProperties: false, required: ['columns', 'rows', 'text'],
        properties: {
          columns: { type: 'array', items: { type: 'string' } },
          rows: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
          text: { type: 'string' },
        },
      },
    },
    410: dataKeyDestroyedResponse,
  },
  async handler(call) {
    const row = await requireExport(call);
    const workspace = await getWorkspace(call.services.storage, call.principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    const definition = storedDefinition(row);
    const prepared = await prepareExport(call.services.storage, call.services.flows.registry, workspace, definition);
    const rows = await previewRows(prepared.compiled, prepared.records(), call.body.limit ?? 20);
    const serializer = createSerializer(definition.format, prepared.compiled.columns);
    const text = serializer.begin() + rows.map((cells, i) => serializer.row(cells, i)).join('') + serializer.end();
    return { body: { columns: prepared.compiled.columns.map((c) => c.name), rows, text } };
  },
});

export const putExternalRoute = defineRoute<{ entryId: string }, unknown, Record<string, string>>({
  method: 'put',
  path: '/participations/{entryId}/external',
  operationId: 'setExternalFields',
  summary: 'Attach partner values to an entry (namespaced keys such as `pop.status`), exported as external fields',
  tag: 'exports',
  params: { type: 'object', additionalProperties: false, required: ['entryId'], properties: { entryId: { type: 'string', format: 'uuid' } } },
  body: {
    type: 'object',
    minProperties: 1,
    maxProperties: 50,
    propertyNames: { pattern: '^[a-z][a-z0-9_-]{0,31}\\.[a-z][a-z0-9_-]{0,63}$' },
    additionalProperties: { type: 'string', maxLength: 1000 },
  },
  responses: { 204: { description: 'Attached' } },
  async handler(call) {
    if (!(await setExternalFields(call.services.storage, call.principal.workspaceId, call.params.entryId, call.body))) {
      throw new ParleyError('not_found', 'No such entry');
    }
    return { status: 204 };
  },
});
