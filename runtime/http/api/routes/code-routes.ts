import { defineRoute, type ApiCall } from '../api-route.js';
import { audit } from '../audit.js';
import { codeCsvBatches, MAX_CSV_LINE_CHARS, MAX_REPORTED_LINES } from '../code-csv-reader.js';
import { addCodesBodySchema, addCodesResultSchema, codeCsvQuerySchema, codePoolListSchema, codePoolStatsSchema, flowStepParams } from '../schemas/code-schemas.js';
import { dataKeyDestroyedResponse, errorResponse } from '../schemas/common-schemas.js';
import { requireWorkspaceFlow } from './draw-routes.js';
import { ParleyError, ValidationError } from '../../../../core/errors.js';
import type { FlowStep } from '../../../../core/flow-definition.js';
import type { ModuleRegistry } from '../../../../core/module-registry.js';
import { listFlows, type FlowRecord } from '../../../../storage/flow-repository.js';
import { decryptIfGpg } from '../../../../exporter/encryption/gpg-decryption.js';
import { openWorkspaceGpgPrivateKey } from '../../../../storage/workspace-gpg-keys.js';
import { addCodeBatches, addCodes, CODE_BATCH_SIZE, codePoolStats, type AddCodesResult, flowCodePoolStats } from '../../../../storage/code-pool-repository.js';

type StepParams = { flowId: string; stepId: string };

/** True when the step's module keeps a code pool. */
function isCodesStep(registry: ModuleRegistry, step: FlowStep): boolean {
  return registry.get(step.module)?.definition.admin?.codePool === true;
}

/** The workspace's flow and its `codes` step named in the path: 404 for an unknown step, 400 for another module's. */
async function requireCodesStep(call: ApiCall<StepParams, any, any>): Promise<FlowRecord> {
  const flow = await requireWorkspaceFlow(call, call.params.flowId);
  const step = flow.definition.steps.find((s) => s.id === call.params.stepId);
  if (!step) throw new ParleyError('not_found', 'This flow has no step with this id', { path: '/params/stepId' });
  if (!isCodesStep(call.services.flows.registry, step)) throw new ValidationError('This step is not a codes step', '/params/stepId');
  return flow;
}

/** Audits an upload (counts only) and answers with them. */
async function added(call: ApiCall<StepParams, any, any>, flow: FlowRecord, result: AddCodesResult) {
  await audit(call, 'codes.added', `${flow.slug}/${call.params.stepId}`, { added: result.added, duplicates: result.duplicates });
  return { body: { added: result.added, duplicates: result.duplicates } };
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
    return added(call, flow, await addCodes(call.services.storage.db, call.principal.workspaceId, flow.id, call.params.stepId, call.body.codes, call.services.clock.now()));
  },
});

export const uploadCodesCsvRoute = defineRoute<StepParams, { header?: boolean }>({
  method: 'post',
  path: '/flows/{flowId}/steps/{stepId}/codes/csv',
  operationId: 'uploadCodesCsv',
  summary:
    'Add a code list of any size to the pool of a codes step from a CSV file, streamed (not bound by the JSON body cap) ' +
    'and added in one transaction: the code is the first column of each line, blank lines are skipped, duplicates ' +
    'ignoring case are skipped and counted; a bad line refuses the whole file with each bad line number and reason. ' +
    'The file may come GPG-encrypted to the workspace key (GET /workspace/gpg-key), binary or armored: it is decrypted as it streams',
  tag: 'codes',
  params: flowStepParams,
  query: codeCsvQuerySchema,
  streamedBody: {
    mediaType: 'text/csv',
    description:
      `UTF-8 CSV (comma-separated, any line ending, optional BOM), one code per line in the first column, lines of at most ${MAX_CSV_LINE_CHARS} characters; ` +
      'the number of lines is capped by the server (PARLEY_CODE_UPLOAD_MAX_LINES)',
  },
  responses: {
    200: { description: 'How many codes were added and how many were already there', schema: addCodesResultSchema },
    400: errorResponse(
      `A file with bad lines or without codes, an encrypted file the workspace key cannot open (or altered since), or an invalid parameter: \`details.lines\` lists up to ${MAX_REPORTED_LINES} bad lines ` +
        '(`line`, `reason`; never their content) and `details.more` says whether there were more; nothing is added',
    ),
    410: dataKeyDestroyedResponse,
    413: errorResponse('More lines than the server takes in one upload (`details.line` is the first line past the limit); nothing is added'),
  },
  async handler(call) {
    const flow = await requireCodesStep(call);
    const { storage } = call.services;
    const csv = await decryptIfGpg(call.req, () => openWorkspaceGpgPrivateKey(storage, call.principal.workspaceId), '/body');
    const batches = codeCsvBatches(csv, { header: call.query.header ?? false, maxLines: call.services.limits.codeUploadMaxLines, batchSize: CODE_BATCH_SIZE });
    const pool = { workspaceId: call.principal.workspaceId, flowId: flow.id, stepId: call.params.stepId };
    return added(call, flow, await addCodeBatches(call.services.storage.db, pool, batches, call.services.clock.now()));
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

export const listCodePoolsRoute = defineRoute({
  method: 'get',
  path: '/code-pools',
  operationId: 'listCodePools',
  summary: "Every codes step of the workspace's flows, with its pool's counts (total, handed out or used, left; never the codes)",
  tag: 'codes',
  responses: { 200: { description: 'Code pools, by flow then step order', schema: codePoolListSchema } },
  async handler({ principal, services }) {
    const flows = await listFlows(services.storage.db, principal.workspaceId);
    const steps = flows.flatMap((flow) => flow.definition.steps.filter((step) => isCodesStep(services.flows.registry, step)).map((step) => ({ flow, step })));
    const stats = await flowCodePoolStats(services.storage.db, principal.workspaceId, [...new Set(steps.map(({ flow }) => flow.id))]);
    const pools = steps.map(({ flow, step }) => ({
      flowId: flow.slug,
      flowName: flow.name,
      flowStatus: flow.status,
      stepId: step.id,
      ...(stats.get(`${flow.id}/${step.id}`) ?? { total: 0, assigned: 0, available: 0 }),
    }));
    return { body: { pools } };
  },
});
