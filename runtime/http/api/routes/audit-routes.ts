import { defineRoute } from '../api-route.js';
import { dateTimeSchema } from '../schemas/common-schemas.js';
import { listAudit } from '../../../../storage/audit-repository.js';

export const listAuditRoute = defineRoute<unknown, { limit?: number; before?: string }>({
  method: 'get',
  path: '/audit',
  operationId: 'listAudit',
  summary: 'Who (API key id) did what and when, with counts; never personal data in clear',
  tag: 'audit',
  query: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500 }, before: { type: 'string', pattern: '^[0-9]{1,18}$' } } },
  responses: {
    200: {
      description: 'Audit entries, newest first',
      schema: {
        type: 'object', additionalProperties: false, required: ['entries', 'next'],
        properties: {
          next: { type: ['string', 'null'] },
          entries: {
            type: 'array',
            items: {
              type: 'object', additionalProperties: false, required: ['id', 'keyId', 'action', 'target', 'counts', 'at'],
              properties: {
                id: { type: 'string' }, keyId: { type: ['string', 'null'] }, action: { type: 'string' }, target: { type: ['string', 'null'] },
                counts: { type: 'object', additionalProperties: { type: 'integer' } }, at: dateTimeSchema,
              },
            },
          },
        },
      },
    },
  },
  async handler({ principal, services, query }) {
    const page = await listAudit(services.storage.db, principal.workspaceId, { limit: query.limit ?? 100, before: query.before });
    return { body: { entries: page.entries.map((e) => ({ ...e, at: e.at.toISOString() })), next: page.next } };
  },
});
