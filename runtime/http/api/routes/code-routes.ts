import { defineRoute, type ApiCall } from '../api-route.js';
import { audit } from '../audit.js';
import { addCodesBodySchema, addCodesResultSchema, codePoolStatsSchema, flowStepParams } from '../schemas/code-schemas.js';
import { requireWorkspaceFlow } from './draw-routes.js';
import { ParleyError, ValidationError } from '../../../../core/errors.js';
import type { FlowRecord } from '../../../../storage/flow-repository.js';
import { addCodes, codePoolStats } from '../../../../storage/code-pool-repository.js';

type StepParams = { flowId: string; stepId: string };

/** The workspace's flow and its `codes` step named in the path: 404 for an unknown step, 400 for another module's. */
async function requireCodesStep(call: ApiCall<StepParams, any, any>): Promise<FlowRecord> {
  const flow = await requireWorkspaceFlow(call, call.params.flowId);
  const step = flow.definition.steps.find((s) => s.id === call.params.stepId);
  if (!step) throw new ParleyError('not_found', 'This flow has no step with this id', { path: '/params/stepId' });
  if (!call.services.flows.registry.get(step.module)?.definition.admin?.codePool) throw new ValidationError('This step is not a codes step', '/params/stepId');
  return flow;
}

export const addCodesRoute = defineRoute<StepParams, Record<string, never>, { codes: string[] }>({
  method: 'post',
  path: '/flows/{flowId}/steps/{stepId}/codes',
  operationId: 'addCodes',
  summary:
    'Add codes to the pool of a codes step, in one transaction: each code 1 to 64 printable characters ' +
    '(the path of the first bad one is reported), duplicates ignoring case are skipped and counted',
  tag: 'codes',
  params: flowStepParams,
  body: addCodesBodySchema,
  responses: { 200: { description: 'How many codes were added and how many were already there', schema: addCodesResultSchema } },
  async handler(call) {
    const flow = await requireCodesStep(call);
    const result = await addCodes(call.services.storage.db, call.principal.workspaceId, flow.id, call.params.stepId, call.body.codes, call.services.clock.now());
    await audit(call, 'codes.added', `${flow.slug}/${call.params.stepId}`, { added: result.added, duplicates: result.duplicates });
    return { body: { added: result.added, duplicates: result.duplicates } };
  },
});

export const codeStatsRoute = defineRoute<StepParams>({
  method: 'get',
  path: '/flows/{flowId}/steps/{stepId}/codes',
  operationId: 'getCodeStats',
  summary: 'How many codes the pool of a codes step holds, has handed out or used, and has left (never the codes)',
  tag: 'codes',
  params: flowStepParams,
  responses: { 200: { description: 'Pool counts', schema: codePoolStatsSchema } },
  async handler(call) {
    const flow = await requireCodesStep(call);
    return { body: await codePoolStats(call.services.storage.db, { workspaceId: call.principal.workspaceId, flowId: flow.id, stepId: call.params.stepId }) };
  },
});
