import { defineRoute, type ApiCall } from '../api-route.js';
import { audit } from '../audit.js';
import { flowIdParams } from '../schemas/flow-schemas.js';
import { drawBodySchema, drawRecordSchema, drawResultSchema, errorRef, idempotencyHeadersSchema, instantWinProofSchema } from '../schemas/draw-schemas.js';
import { ParleyError, ValidationError } from '../../../../core/errors.js';
import { drawModule, drawPrize } from '../../../draw-steps.js';
import { getFlow, type FlowRecord } from '../../../../storage/flow-repository.js';
import { drawGiveawayWinners, listGiveawayDraws, type GiveawayDrawRecord } from '../../../../storage/giveaway-draw-repository.js';
import { getInstantWinProof } from '../../../../storage/instant-win-repository.js';

/** The workspace's flow `slug`, or `not_found` (another workspace's flow is not found either). */
export async function requireWorkspaceFlow(call: ApiCall<any, any, any>, slug: string): Promise<FlowRecord> {
  const flow = await getFlow(call.services.storage.db, call.principal.workspaceId, slug);
  if (!flow) throw new ParleyError('not_found', 'No such flow');
  return flow;
}

/** A recorded draw as the API shows it. */
export function drawRecordBody(d: GiveawayDrawRecord) {
  return {
    id: d.id,
    stepId: d.stepId,
    drawnAt: d.drawnAt.toISOString(),
    drawnByKeyId: d.drawnByKeyId,
    requested: d.requested,
    drawn: d.drawn,
    participants: d.participantsCount,
    algorithm: d.algorithm,
    poolDigest: d.poolDigest,
    seed: d.seed && { seed: d.seed.toString('hex'), commitment: d.seedCommitment!, committedAt: d.seedCommittedAt!.toISOString() },
    winnerPositions: d.winnerPositions,
  };
}

export const createDrawRoute = defineRoute<{ flowId: string }, Record<string, never>, { count: number; stepId?: string }>({
  method: 'post',
  path: '/flows/{flowId}/draws',
  operationId: 'createDraw',
  summary:
    'Draw giveaway winners uniformly, one chance per participant, earlier winners excluded, from a secret seed committed ' +
    'before the draw (its SHA-256 is published by listDrawCommitments) and the pool digest, so the draw can be replayed; ' +
    'writes one winners row each, records the draw and commits the seed of the next one. With an Idempotency-Key, a ' +
    'repeated request returns the draw it made (200); a draw of the same giveaway already running is refused (409)',
  tag: 'draws',
  params: flowIdParams,
  headers: idempotencyHeadersSchema,
  body: drawBodySchema,
  responses: {
    200: { description: 'The draw an earlier request with the same Idempotency-Key made (nothing drawn again)', schema: drawResultSchema },
    201: { description: 'The draw: its id, the eligible pool size and digest, the revealed seed and the winners (no personal data)', schema: drawResultSchema },
    409: {
      description: 'A draw of the same giveaway step (or a flow-wide draw) is running right now; or the flow has no giveaway step, or storage is switched off',
      schema: errorRef,
    },
  },
  async handler(call) {
    const flow = await requireWorkspaceFlow(call, call.params.flowId);
    const { count, stepId } = call.body;
    const moduleId = drawModule(flow, call.services.flows.registry, stepId);
    const idempotencyKey = call.headers['Idempotency-Key'];
    const result = await drawGiveawayWinners(call.services.storage, {
      workspaceId: call.principal.workspaceId,
      flowId: flow.id,
      moduleId,
      ...(stepId !== undefined && { stepId }),
      count,
      now: call.services.clock.now(),
      drawnBy: call.principal.keyId,
      ...(idempotencyKey !== undefined && { idempotencyKey }),
      prize: drawPrize(flow, call.services.flows.registry, stepId),
    });
    if (!result.replayed) {
      await audit(call, 'draw.created', flow.slug, { winners: result.winners.length, participants: result.participants });
      call.services.webhooks.wake();
    }
    return {
      status: result.replayed ? 200 : 201,
      body: {
        drawId: result.drawId,
        participants: result.participants,
        winners: result.winners.map((w) => ({ rowId: w.rowId, participantRef: w.participantRef })),
        poolDigest: result.poolDigest,
        seed: result.seed && { ...result.seed, committedAt: result.seed.committedAt.toISOString() },
      },
    };
  },
});

export const listDrawsRoute = defineRoute<{ flowId: string }>({
  method: 'get',
  path: '/flows/{flowId}/draws',
  operationId: 'listDraws',
  summary: 'The recorded giveaway draws of a flow, newest first: counts, algorithm, pool digest, revealed seed and commitment, key id (no personal data)',
  tag: 'draws',
  params: flowIdParams,
  responses: {
    200: { description: 'Draws', schema: { type: 'object', additionalProperties: false, required: ['draws'], properties: { draws: { type: 'array', items: drawRecordSchema } } } },
  },
  async handler(call) {
    const flow = await requireWorkspaceFlow(call, call.params.flowId);
    const draws = await listGiveawayDraws(call.services.storage.db, call.principal.workspaceId, flow.id);
    return { body: { draws: draws.map(drawRecordBody) } };
  },
});

export const instantWinProofRoute = defineRoute<{ flowId: string }>({
  method: 'get',
  path: '/flows/{flowId}/instant-win/proof',
  operationId: 'getInstantWinProof',
  summary:
    'The SHA-256 commitment of every instant-win step drawn in moments mode; once the flow is closed, the revealed ' +
    'moments and salt, from which anyone can recompute the commitment (before closure `revealed` is null)',
  tag: 'draws',
  params: flowIdParams,
  responses: { 200: { description: 'Commitments, and the revealed draws after closure', schema: instantWinProofSchema } },
  async handler(call) {
    const flow = await requireWorkspaceFlow(call, call.params.flowId);
    const proofs = await getInstantWinProof(call.services.storage.db, call.principal.workspaceId, flow.id);
    if (!proofs) throw new ParleyError('not_found', 'No such flow');
    return {
      body: {
        flowHashId: flow.hashId,
        steps: proofs.map((p) => ({
          stepId: p.stepId,
          commitment: p.commitment,
          committedAt: p.committedAt.toISOString(),
          revealedAt: p.revealedAt?.toISOString() ?? null,
          revealed: p.revealed && { flowHashId: p.revealed.flowHashId, stepId: p.revealed.stepId, salt: p.revealed.salt, moments: p.revealed.moments },
        })),
      },
    };
  },
});
