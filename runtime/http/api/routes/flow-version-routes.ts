import { defineRoute } from '../api-route.js';
import { audit } from '../audit.js';
import { dataKeyDestroyedResponse, errorResponse } from '../schemas/common-schemas.js';
import { flowIdParams, flowSchema } from '../schemas/flow-schemas.js';
import { flowVersionParams, flowVersionSchema, flowVersionSummarySchema, previewTokenSchema } from '../schemas/flow-version-schemas.js';
import { requireWorkspaceFlow } from './draw-routes.js';
import { flowJson } from './flow-routes.js';
import { ParleyError } from '../../../../core/errors.js';
import { saveFlowDocument } from '../../../engine/flow-lifecycle.js';
import { issuePreviewToken } from '../../../gateway/preview-token.js';
import { getFlowVersion, listFlowVersions, type FlowVersion } from '../../../../storage/flow-version-repository.js';
import { getWorkspace } from '../../../../storage/workspace-repository.js';
import type { ApiCall } from '../api-route.js';

type VersionParams = { flowId: string; version: string };

async function requireVersion(call: ApiCall<VersionParams>): Promise<{ flow: Awaited<ReturnType<typeof requireWorkspaceFlow>>; version: FlowVersion }> {
  const flow = await requireWorkspaceFlow(call, call.params.flowId);
  const version = await getFlowVersion(call.services.storage.db, flow.id, Number(call.params.version));
  if (!version) throw new ParleyError('not_found', 'No such version of this flow');
  return { flow, version };
}

export const listFlowVersionsRoute = defineRoute<{ flowId: string }>({
  method: 'get',
  path: '/flows/{flowId}/versions',
  operationId: 'listFlowVersions',
  summary: 'Every saved version of a flow, newest first (each save makes one; versions never change)',
  tag: 'flows',
  params: flowIdParams,
  responses: {
    200: {
      description: 'The history',
      schema: { type: 'object', additionalProperties: false, required: ['versions'], properties: { versions: { type: 'array', items: flowVersionSummarySchema } } },
    },
  },
  async handler(call) {
    const flow = await requireWorkspaceFlow(call, call.params.flowId);
    const versions = await listFlowVersions(call.services.storage.db, flow.id);
    return { body: { versions: versions.map((v) => ({ version: v.version, name: v.name, createdAt: v.createdAt.toISOString(), stepCount: v.stepCount })) } };
  },
});

export const getFlowVersionRoute = defineRoute<VersionParams>({
  method: 'get',
  path: '/flows/{flowId}/versions/{version}',
  operationId: 'getFlowVersion',
  summary: 'One saved version of a flow with its steps',
  tag: 'flows',
  params: flowVersionParams,
  responses: { 200: { description: 'The version', schema: flowVersionSchema } },
  async handler(call) {
    const { version: v } = await requireVersion(call);
    return { body: { version: v.version, name: v.name, createdAt: v.createdAt.toISOString(), stepCount: v.stepCount, start: v.definition.start, steps: v.definition.steps } };
  },
});

export const restoreFlowVersionRoute = defineRoute<VersionParams>({
  method: 'post',
  path: '/flows/{flowId}/versions/{version}/restore',
  operationId: 'restoreFlowVersion',
  summary: "Save a version's name and steps again as a new version (status and opening window stay as they are); checked like any save",
  tag: 'flows',
  params: flowVersionParams,
  responses: {
    200: { description: 'The flow, saved as a new version', schema: flowSchema },
    409: errorResponse('A step of that version needs storage, which is switched off for the workspace or its module (`storage_disabled`, with the step path)'),
  },
  async handler(call) {
    const { flow, version } = await requireVersion(call);
    const workspace = await getWorkspace(call.services.storage, call.principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    const saved = await saveFlowDocument(call.services.flows, workspace, flow.slug, {
      name: version.name,
      status: flow.status,
      opensAt: flow.opensAt?.toISOString() ?? null,
      closesAt: flow.closesAt?.toISOString() ?? null,
      start: version.definition.start,
      steps: version.definition.steps,
    });
    await audit(call, 'flow.version_restored', flow.slug, { restoredVersion: version.version, newVersion: saved.flow.version });
    return { body: flowJson(saved.flow) };
  },
});

export const createFlowPreviewRoute = defineRoute<{ flowId: string }>({
  method: 'post',
  path: '/flows/{flowId}/preview',
  operationId: 'createFlowPreview',
  summary: 'A short-lived signed token that starts preview sessions of the saved flow: they run for real but count in no export, draw or statistic',
  tag: 'flows',
  params: flowIdParams,
  responses: { 201: { description: 'A preview token (30 minutes)', schema: previewTokenSchema }, 410: dataKeyDestroyedResponse },
  async handler(call) {
    const flow = await requireWorkspaceFlow(call, call.params.flowId);
    const { token, expiresAt } = await issuePreviewToken(call.services.storage.keyring, flow.workspaceId, flow.id, call.services.clock.now());
    await audit(call, 'flow.previewed', flow.slug);
    return { status: 201, body: { token, expiresAt: expiresAt.toISOString(), workspace: flow.workspaceId, flow: flow.slug } };
  },
});
