import { defineRoute } from '../api-route.js';
import { audit } from '../audit.js';
import { errorResponse } from '../schemas/common-schemas.js';
import { flowDocumentBodySchema, flowIdParams, flowSchema, flowSlugSchema } from '../schemas/flow-schemas.js';
import { ParleyError } from '../../../../core/errors.js';
import { closeFlowNow, saveFlowDocument } from '../../../engine/flow-lifecycle.js';
import { deleteFlow, listFlows, type FlowRecord } from '../../../../storage/flow-repository.js';
import { requireWorkspaceFlow } from './draw-routes.js';
import { getWorkspace } from '../../../../storage/workspace-repository.js';

export function flowJson(flow: FlowRecord) {
  const definition = flow.definition;
  return {
    id: flow.slug,
    uuid: flow.id,
    hashId: flow.hashId,
    name: flow.name,
    status: flow.status,
    opensAt: flow.opensAt?.toISOString() ?? null,
    closesAt: flow.closesAt?.toISOString() ?? null,
    start: definition.start,
    steps: definition.steps,
    version: flow.version,
    createdAt: flow.createdAt.toISOString(),
    updatedAt: flow.updatedAt.toISOString(),
    closedAt: flow.closedAt?.toISOString() ?? null,
  };
}


export const listFlowsRoute = defineRoute({
  method: 'get',
  path: '/flows',
  operationId: 'listFlows',
  summary: 'Every flow of the workspace with its status',
  tag: 'flows',
  responses: { 200: { description: 'Flows', schema: { type: 'object', additionalProperties: false, required: ['flows'], properties: { flows: { type: 'array', items: flowSchema } } } } },
  async handler({ principal, services }) {
    return { body: { flows: (await listFlows(services.storage.db, principal.workspaceId)).map(flowJson) } };
  },
});

export const getFlowRoute = defineRoute<{ flowId: string }>({
  method: 'get',
  path: '/flows/{flowId}',
  operationId: 'getFlow',
  summary: 'One flow',
  tag: 'flows',
  params: flowIdParams,
  responses: { 200: { description: 'The flow', schema: flowSchema } },
  async handler(call) {
    return { body: flowJson(await requireWorkspaceFlow(call, call.params.flowId)) };
  },
});

export const putFlowRoute = defineRoute<{ flowId: string }>({
  method: 'put',
  path: '/flows/{flowId}',
  operationId: 'saveFlow',
  summary: 'Create or replace a flow; every step is validated against its module (unknown module or bad config → 400 with the JSON path)',
  tag: 'flows',
  params: flowIdParams,
  body: flowDocumentBodySchema,
  responses: {
    200: { description: 'Replaced', schema: flowSchema },
    201: { description: 'Created', schema: flowSchema },
    409: errorResponse('A step needs storage, which is switched off for the workspace (`storage_disabled`, with the step path)'),
  },
  async handler(call) {
    const workspace = await getWorkspace(call.services.storage, call.principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    const saved = await saveFlowDocument(call.services.flows, workspace, call.params.flowId, call.body);
    await audit(call, saved.created ? 'flow.created' : 'flow.replaced', call.params.flowId);
    return { status: saved.created ? 201 : 200, body: flowJson(saved.flow) };
  },
});

export const deleteFlowRoute = defineRoute<{ flowId: string }>({
  method: 'delete',
  path: '/flows/{flowId}',
  operationId: 'deleteFlow',
  summary: 'Delete a flow and its sessions (stored rows keep their own expiry)',
  tag: 'flows',
  params: flowIdParams,
  responses: { 204: { description: 'Deleted' } },
  async handler(call) {
    if (!(await deleteFlow(call.services.storage.db, call.principal.workspaceId, call.params.flowId))) throw new ParleyError('not_found', 'No such flow');
    await audit(call, 'flow.deleted', call.params.flowId);
    return { status: 204 };
  },
});

export const closeFlowRoute = defineRoute<{ flowId: string }>({
  method: 'post',
  path: '/flows/{flowId}/close',
  operationId: 'closeFlow',
  summary: 'Close a flow: no new sessions or replies; closure triggers what reacts to it (draw reveals, exports at closure)',
  tag: 'flows',
  params: flowIdParams,
  responses: { 200: { description: 'The closed flow', schema: flowSchema } },
  async handler(call) {
    const workspace = await getWorkspace(call.services.storage, call.principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    const closed = await closeFlowNow(call.services.flows, workspace, call.params.flowId);
    if (closed.closedNow) await audit(call, 'flow.closed', call.params.flowId);
    return { body: flowJson(closed.flow) };
  },
});

/** `POST /flows/{flowId}/copies`: the copy's id (slug) and, optionally, its name. */
const copyBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['slug'],
  properties: {
    slug: { ...flowSlugSchema, description: 'The copy’s id, as the widget names it (data-flow)' },
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S', description: 'The copy’s name; by default the flow’s, with “(copy)”' },
  },
};

export const copyFlowRoute = defineRoute<{ flowId: string }, unknown, { slug: string; name?: string }>({
  method: 'post',
  path: '/flows/{flowId}/copies',
  operationId: 'copyFlow',
  summary:
    'Copy a flow under a new id, as a start for the next campaign: its steps, texts and window, open, as a save of that document would be ' +
    '(instant-win moments are drawn anew; code pools, rows, exports and statistics stay with the original)',
  tag: 'flows',
  params: flowIdParams,
  body: copyBodySchema,
  responses: {
    201: { description: 'The copy', schema: flowSchema },
    409: errorResponse('A flow with this id already exists, or a step needs storage, which is switched off for the workspace'),
  },
  async handler(call) {
    const workspace = await getWorkspace(call.services.storage, call.principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    const source = await requireWorkspaceFlow(call, call.params.flowId);
    const document = {
      name: call.body.name?.trim() ?? `${source.name.slice(0, 193)} (copy)`,
      opensAt: source.opensAt?.toISOString() ?? null,
      closesAt: source.closesAt?.toISOString() ?? null,
      start: source.definition.start,
      steps: source.definition.steps,
    };
    const saved = await saveFlowDocument(call.services.flows, workspace, call.body.slug, document, { createOnly: true });
    await audit(call, 'flow.created', call.body.slug);
    return { status: 201, body: flowJson(saved.flow) };
  },
});
