import { defineRoute } from '../api-route.js';
import { moduleCatalogueEntrySchema } from '../schemas/module-schemas.js';
import { ParleyError } from '../../../../core/errors.js';
import type { StoreTable } from '../../../../core/store-tables.js';
import { resolveRetentionDays } from '../../../../storage/retention-policy.js';
import { getWorkspace } from '../../../../storage/workspace-repository.js';

export const listModulesRoute = defineRoute({
  method: 'get',
  path: '/modules',
  operationId: 'listModules',
  summary: 'Every module a flow step can use: its config schema (for forms), the tables it writes and their retention in this workspace',
  tag: 'flows',
  responses: {
    200: {
      description: 'The module catalogue',
      schema: { type: 'object', additionalProperties: false, required: ['modules'], properties: { modules: { type: 'array', items: moduleCatalogueEntrySchema } } },
    },
  },
  async handler({ principal, services }) {
    const workspace = await getWorkspace(services.storage, principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    const modules = services.flows.registry.list().map((module) => ({
      id: module.id,
      title: module.title,
      description: module.description,
      requiresStorage: module.requiresStorage === true,
      storesData: workspace.storageEnabled && !workspace.storageOffModules.includes(module.id),
      configSchema: module.configSchema,
      tables: Object.entries(module.tables).map(([table, declaration]) => ({
        table,
        holds: declaration!.holds,
        defaultRetentionDays: declaration!.retentionDays,
        retentionDays: resolveRetentionDays(workspace.retention, table as StoreTable, module.id, declaration!.retentionDays),
      })),
    }));
    return { body: { modules } };
  },
});
