import { defineRoute } from '../api-route.js';
import { workspacePatchSchema, workspaceSchema } from '../schemas/workspace-schemas.js';
import { getWorkspace, updateWorkspace, type Workspace } from '../../../../storage/workspace-repository.js';
import { ParleyError } from '../../../../core/errors.js';
import { deleteMailSettings, getMailSettings, saveMailSettings, validateMailSettings, type MailSettingsView } from '../../../../storage/mail-settings.js';
import type { StoreContext } from '../../../../storage/store-context.js';

export function workspaceJson(workspace: Workspace, mail: MailSettingsView | undefined) {
  return { ...workspace, mail: mail ?? null, createdAt: workspace.createdAt.toISOString(), updatedAt: workspace.updatedAt.toISOString() };
}

async function withMail(storage: StoreContext, workspace: Workspace) {
  return workspaceJson(workspace, await getMailSettings(storage, workspace.id));
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
    return { body: await withMail(services.storage, workspace) };
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
    const { mail, ...settings } = body as { mail?: unknown } & Record<string, unknown>;
    if (mail !== undefined && mail !== null) validateMailSettings(mail, '/mail');
    const workspace = Object.keys(settings).length > 0
      ? await updateWorkspace(services.storage, principal.workspaceId, settings)
      : await getWorkspace(services.storage, principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    if (mail === null) await deleteMailSettings(services.storage, workspace.id);
    else if (mail !== undefined) await saveMailSettings(services.storage, workspace.id, mail);
    return { body: await withMail(services.storage, workspace) };
  },
});
