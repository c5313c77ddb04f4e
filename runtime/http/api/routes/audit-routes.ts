import { defineRoute } from '../api-route.js';
import { auditActionsSchema, auditPageSchema, listAuditQuerySchema } from '../schemas/audit-schemas.js';
import { ValidationError } from '../../../../core/errors.js';
import { listAudit, listAuditActions } from '../../../../storage/audit-repository.js';

interface AuditQuery {
  readonly limit?: number;
  readonly before?: string;
  readonly action?: string;
  readonly from?: string;
  readonly to?: string;
}

export const listAuditRoute = defineRoute<unknown, AuditQuery>({
  method: 'get',
  path: '/audit',
  operationId: 'listAudit',
  summary: 'Who (API key) did what and when, with counts, newest first; filtered by action and time range; never personal data in clear',
  tag: 'audit',
  query: listAuditQuerySchema,
  responses: { 200: { description: 'One page of audit entries, newest first', schema: auditPageSchema } },
  async handler({ principal, services, query }) {
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from && to && from.getTime() >= to.getTime()) throw new ValidationError('Must be later than from', '/query/to');
    const page = await listAudit(services.storage.db, principal.workspaceId, { now: services.clock.now(), limit: query.limit ?? 100, before: query.before, filter: { action: query.action, from, to } });
    return { body: { entries: page.entries.map((e) => ({ ...e, at: e.at.toISOString() })), next: page.next } };
  },
});

export const listAuditActionsRoute = defineRoute({
  method: 'get',
  path: '/audit/actions',
  operationId: 'listAuditActions',
  summary: "Every action the workspace's audit log holds (the choices of an action filter)",
  tag: 'audit',
  responses: { 200: { description: 'Actions in alphabetical order', schema: auditActionsSchema } },
  async handler({ principal, services }) {
    return { body: { actions: await listAuditActions(services.storage.db, principal.workspaceId, services.clock.now()) } };
  },
});
