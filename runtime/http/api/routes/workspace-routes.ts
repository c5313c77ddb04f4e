import { defineRoute } from '../api-route.js';
import { workspacePatchSchema, workspaceSchema } from '../schemas/workspace-schemas.js';
import { getWorkspace, updateWorkspace, type Workspace } from '../../../../storage/workspace-repository.js';
import { ParleyError } from '../../../errors.js';

export function workspaceJson(workspace: Workspace) {
  return { ...workspace, createdAt: workspace.createdAt.toISOString(), updatedAt: workspace.updatedAt.toISOString() };
}

export const getWorkspaceRoute = defineRoute({
  method: 'get',
  path: '/workspace',
  operationId: 'getWorkspace',
  summary: "The key's workspace: time zone, storage switch, retention, allowed widget origins",
  tag: 'workspace',
  responses: { 200: { description: 'The workspace', schema: workspaceSchema } },
  async handler({ principal, services }) {
    const workspace = await getWorkspace(services.storage, principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    return { body: workspaceJson(workspace) };
  },
});

export const patchWorkspaceRoute = defineRoute({
  method: 'patch',
  path: '/workspace',
  operationId: 'updateWorkspace',
  summary: 'Change settings; a retention change re-applies to stored rows at once',
  tag: 'workspace',
  body: workspacePatchSchema,
  responses: { 200: { description: 'The updated workspace', schema: workspaceSchema } },
  async handler({ principal, services, body }) {
    return { body: workspaceJson(await updateWorkspace(services.storage, principal.workspaceId, body)) };
  },
});
