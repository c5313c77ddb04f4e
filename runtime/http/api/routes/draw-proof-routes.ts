import { defineRoute } from '../api-route.js';
import { audit } from '../audit.js';
import { flowIdParams } from '../schemas/flow-schemas.js';
import { uuidSchema } from '../schemas/common-schemas.js';
import { commitmentBodySchema, drawCommitmentSchema, drawReplaySchema } from '../schemas/draw-schemas.js';
import { drawRecordBody, requireWorkspaceFlow } from './draw-routes.js';
import { drawModule } from '../../../draw-steps.js';
import { ParleyError } from '../../../../core/errors.js';
import { commitDrawSeed, listDrawCommitments, type DrawCommitment } from '../../../../storage/giveaway-draw-seed-repository.js';
import { replayGiveawayDraw } from '../../../../storage/giveaway-draw-replay.js';

const drawIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['flowId', 'drawId'],
  properties: { ...(flowIdParams.properties as object), drawId: uuidSchema },
};

const commitmentBody = (c: DrawCommitment) => ({ stepId: c.stepId, commitment: c.commitment, committedAt: c.committedAt.toISOString() });

export const listDrawCommitmentsRoute = defineRoute<{ flowId: string }>({
  method: 'get',
  path: '/flows/{flowId}/draws/commitments',
  operationId: 'listDrawCommitments',
  summary: 'The published SHA-256 commitments of the secret seeds the next draws of this flow will use (flow-wide and per giveaway step)',
  tag: 'draws',
  params: flowIdParams,
  responses: {
    200: {
      description: 'Commitments in force',
      schema: { type: 'object', additionalProperties: false, required: ['commitments'], properties: { commitments: { type: 'array', items: drawCommitmentSchema } } },
    },
  },
  async handler(call) {
    const flow = await requireWorkspaceFlow(call, call.params.flowId);
    const commitments = await listDrawCommitments(call.services.storage.db, call.principal.workspaceId, flow.id);
    return { body: { commitments: commitments.map(commitmentBody) } };
  },
});

export const commitDrawSeedRoute = defineRoute<{ flowId: string }, Record<string, never>, { stepId?: string }>({
  method: 'post',
  path: '/flows/{flowId}/draws/commitments',
  operationId: 'commitDrawSeed',
  summary:
    'Prepares the next draw of a giveaway step (or the next flow-wide draw): commits a secret seed and returns its SHA-256 to ' +
    'publish before drawing. The seed in force is kept when there is one (200); the flow closing and every draw commit one too',
  tag: 'draws',
  params: flowIdParams,
  body: commitmentBodySchema,
  responses: {
    200: { description: 'The commitment already in force', schema: drawCommitmentSchema },
    201: { description: 'A new commitment', schema: drawCommitmentSchema },
    409: { description: 'The flow has no giveaway step', schema: { $ref: '#/components/schemas/Error' } },
  },
  async handler(call) {
    const flow = await requireWorkspaceFlow(call, call.params.flowId);
    const stepId = call.body.stepId;
    drawModule(flow, call.services.flows.registry, stepId);
    const committed = await commitDrawSeed(call.services.storage.db, { workspaceId: call.principal.workspaceId, flowId: flow.id, stepId: stepId ?? null, now: call.services.clock.now() });
    if (committed.created) await audit(call, 'draw.seed_committed', flow.slug, {});
    return { status: committed.created ? 201 : 200, body: commitmentBody(committed) };
  },
});

export const replayDrawRoute = defineRoute<{ flowId: string; drawId: string }>({
  method: 'get',
  path: '/flows/{flowId}/draws/{drawId}/replay',
  operationId: 'replayDraw',
  summary:
    'Replays a recorded draw: checks the revealed seed against its commitment, recomputes the winner positions from seed and ' +
    'pool digest, rebuilds the pool from the stored rows as of the draw and compares the winners rows; says whether it all matches',
  tag: 'draws',
  params: drawIdParams,
  responses: { 200: { description: 'The replay: matches, and each check (ok, failed or unavailable)', schema: drawReplaySchema } },
  async handler(call) {
    const flow = await requireWorkspaceFlow(call, call.params.flowId);
    const replay = await replayGiveawayDraw(call.services.storage.db, { workspaceId: call.principal.workspaceId, flowId: flow.id, moduleId: drawModule(flow, call.services.flows.registry) }, call.params.drawId);
    if (!replay) throw new ParleyError('not_found', 'No such draw');
    return {
      body: { drawId: replay.draw.id, matches: replay.matches, checks: replay.checks, recomputedPositions: replay.recomputedPositions, draw: drawRecordBody(replay.draw) },
    };
  },
});
