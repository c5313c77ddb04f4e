import { defineRoute } from '../api-route.js';
import { audit } from '../audit.js';
import { workspacePatchSchema, workspaceSchema } from '../schemas/workspace-schemas.js';
import { getWorkspace, updateWorkspace, type Workspace } from '../../../../storage/workspace-repository.js';
import { ConfigError, ParleyError } from '../../../../core/errors.js';
import type { ModuleRegistry } from '../../../../core/module-registry.js';
import { deleteMailSettings, getMailSettings, saveMailSettings, validateMailSettings, type MailSettingsView } from '../../../../storage/mail-settings.js';
import type { ApiServices } from '../api-services.js';

export function workspaceJson(workspace: Workspace, mail: MailSettingsView | undefined, publicUrl: string) {
  return {
    ...workspace,
    mail: mail ?? null,
    // People withdraw their consents there themselves; a page that can mail its link needs mail settings.
    withdrawalPage: mail ? `${publicUrl}/consents/request-withdrawal/${workspace.id}` : null,
    createdAt: workspace.createdAt.toISOString(),
    updatedAt: workspace.updatedAt.toISOString(),
  };
}

/** Every id of a `storageOffModules` change names a module of the registry. */
function assertKnownModules(registry: ModuleRegistry, ids: unknown): void {
  if (!Array.isArray(ids)) return;
  ids.forEach((id, i) => {
    if (typeof id === 'string' && !registry.get(id)) throw new ConfigError('Unknown module', `/storageOffModules/${i}`);
  });
}

async function withMail(services: ApiServices, workspace: Workspace) {
  return workspaceJson(workspace, await getMailSettings(services.storage, workspace.id), services.publicUrl());
}

export const getWorkspaceRoute = defineRoute({
  method: 'get',
  path: '/workspace',
  operationId: 'getWorkspace',
  summary: "The key's workspace: time zone, storage switch, retention, allowed widget origins. Every key may read it (a console needs its time zone and retention to show anything); changing it needs the `workspace` part",
  tag: 'workspace',
  everyKey: true,
  responses: { 200: { description: 'The workspace', schema: workspaceSchema } },
  async handler({ principal, services }) {
    const workspace = await getWorkspace(services.storage, principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    return { body: await withMail(services, workspace) };
  },
});

export const patchWorkspaceRoute = defineRoute({
  method: 'patch',
  path: '/workspace',
  operationId: 'updateWorkspace',
  summary: "Change settings; a retention change re-applies to stored rows at once; `storageOffModules` switches modules' storage off (honoured by every process's next turn)",
  tag: 'workspace',
  body: workspacePatchSchema,
  responses: { 200: { description: 'The updated workspace', schema: workspaceSchema } },
  async handler(call) {
    const { principal, services, body } = call;
    const { mail, ...settings } = body as { mail?: unknown } & Record<string, unknown>;
    if (mail !== undefined && mail !== null) validateMailSettings(mail, '/mail');
    assertKnownModules(services.flows.registry, settings.storageOffModules);
    const before = settings.auditRetentionDays !== undefined ? await getWorkspace(services.storage, principal.workspaceId) : undefined;
    const workspace = Object.keys(settings).length > 0
      ? await updateWorkspace(services.storage, principal.workspaceId, settings)
      : await getWorkspace(services.storage, principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    if (mail === null) await deleteMailSettings(services.storage, workspace.id);
    else if (mail !== undefined) await saveMailSettings(services.storage, workspace.id, mail);
    if (settings.storageOffModules !== undefined) await audit(call, 'workspace.module_storage_changed', null, { modulesOff: workspace.storageOffModules.length });
    // Shortening it removes entries at the next sweep: the change itself stays on record.
    if (settings.auditRetentionDays !== undefined) {
      await audit(call, 'workspace.audit_retention_changed', null, { days: workspace.auditRetentionDays, previousDays: before?.auditRetentionDays ?? workspace.auditRetentionDays });
    }
    return { body: await withMail(services, workspace) };
  },
});
