import { defineRoute } from '../api-route.js';
import { dataKeyDestroyedResponse } from '../schemas/common-schemas.js';
import { exportIdParams } from '../schemas/export-schemas.js';
import { ParleyError } from '../../../../core/errors.js';
import { loadExport } from '../../../../exporter/export-service.js';
import { previewExport } from '../../../../exporter/pipeline/preview-export.js';
import { setExternalFields } from '../../../../storage/export-repository.js';

/** What a preview answers: the columns, the first rows as cells, and those rows as the file would hold them. */
export const previewResponseSchema = {
  type: 'object', additionalProperties: false, required: ['columns', 'rows', 'text'],
  properties: {
    columns: { type: 'array', items: { type: 'string' } },
    rows: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
    text: { type: 'string' },
  },
};

export const previewExportRoute = defineRoute<{ exportId: string }, unknown, { limit?: number }>({
  method: 'post',
  path: '/exports/{exportId}/preview',
  operationId: 'previewExport',
  summary: 'Render the first N rows (default 20) and the column list, with no delivery',
  tag: 'exports',
  readOnly: true,
  params: exportIdParams,
  body: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200 } } },
  responses: {
    200: { description: 'Columns, rows and the rendered text', schema: previewResponseSchema },
    410: dataKeyDestroyedResponse,
  },
  async handler({ services, principal, params, body }) {
    const { workspace, definition } = await loadExport(services.storage, principal.workspaceId, params.exportId);
    return { body: await previewExport(services.storage, services.flows.registry, workspace, definition, body.limit ?? 20) };
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
