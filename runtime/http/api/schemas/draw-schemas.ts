import type { JsonSchema } from '../api-route.js';
import { dateTimeSchema, uuidSchema } from './common-schemas.js';
import { flowDocumentSchema } from '../../../../core/flow-definition.js';
import { MAX_WINNERS_PER_DRAW } from '../../../../storage/giveaway-draw-repository.js';

/** A step id, as flow documents define it. */
export const stepIdSchema: JsonSchema = flowDocumentSchema.properties.steps.items.properties.id;

/** Documents an error response (409 and others the shared list leaves out). */
export const errorRef: JsonSchema = { $ref: '#/components/schemas/Error' };

export const drawBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['count'],
  properties: {
    count: { type: 'integer', minimum: 1, maximum: MAX_WINNERS_PER_DRAW, description: 'Winners to draw (fewer when fewer participants are eligible)' },
    stepId: { ...stepIdSchema, description: 'One giveaway step; without it every giveaway step of the flow is one pool' },
  },
};

const hexDigestSchema: JsonSchema = { type: 'string', pattern: '^[0-9a-f]{64}$' };

/** A draw's seed, revealed once used, with the commitment published before the draw. */
const revealedSeedSchema: JsonSchema = {
  oneOf: [
    { type: 'null' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['seed', 'commitment', 'committedAt'],
      properties: {
        seed: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'The secret seed (hex), revealed now that the draw is made' },
        commitment: { ...hexDigestSchema, description: 'SHA-256 (hex) of the seed, published since committedAt' },
        committedAt: dateTimeSchema,
      },
    },
  ],
  description: 'Null only for draws recorded before seeds were',
};

export const drawResultSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['drawId', 'participants', 'winners', 'poolDigest', 'seed'],
  properties: {
    drawId: uuidSchema,
    participants: { type: 'integer', minimum: 0, description: 'Eligible participants the winners were drawn from' },
    winners: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['rowId', 'participantRef'],
        properties: { rowId: uuidSchema, participantRef: { type: ['string', 'null'] } },
      },
    },
    poolDigest: { ...hexDigestSchema, description: 'SHA-256 of the sorted subject hashes of the eligible pool' },
    seed: revealedSeedSchema,
  },
};

export const drawRecordSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'stepId', 'drawnAt', 'drawnByKeyId', 'requested', 'drawn', 'participants', 'algorithm', 'poolDigest', 'seed', 'winnerPositions'],
  properties: {
    id: uuidSchema,
    stepId: { type: ['string', 'null'] },
    drawnAt: dateTimeSchema,
    drawnByKeyId: { type: ['string', 'null'] },
    requested: { type: 'integer' },
    drawn: { type: 'integer' },
    participants: { type: 'integer' },
    algorithm: { type: 'string' },
    poolDigest: hexDigestSchema,
    seed: revealedSeedSchema,
    winnerPositions: { type: ['array', 'null'], items: { type: 'integer', minimum: 0 }, description: 'Positions in the sorted pool the winners were picked at, in rank order' },
  },
};

/** The Idempotency-Key header of a draw request. */
export const idempotencyHeadersSchema: JsonSchema = {
  type: 'object',
  properties: {
    'Idempotency-Key': {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'Any unique visible-ASCII text chosen by the client: the same key again returns the draw it made (200) instead of drawing again',
    },
  },
};

export const drawCommitmentSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['stepId', 'commitment', 'committedAt'],
  properties: {
    stepId: { type: ['string', 'null'], description: 'The giveaway step whose next draw will use the seed; null: the next flow-wide draw' },
    commitment: { ...hexDigestSchema, description: 'SHA-256 (hex) of the secret seed the next draw will use' },
    committedAt: dateTimeSchema,
  },
};

export const commitmentBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { stepId: { ...stepIdSchema, description: 'One giveaway step; without it the next flow-wide draw' } },
};

const replayCheckSchema: JsonSchema = { type: 'string', enum: ['ok', 'failed', 'unavailable'] };

export const drawReplaySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['drawId', 'matches', 'checks', 'recomputedPositions', 'draw'],
  properties: {
    drawId: uuidSchema,
    matches: { type: 'boolean', description: 'True only when every check is ok' },
    checks: {
      type: 'object',
      additionalProperties: false,
      required: ['commitment', 'selection', 'pool', 'winners'],
      properties: {
        commitment: { ...replayCheckSchema, description: 'The revealed seed hashes to the commitment, committed no later than the draw' },
        selection: { ...replayCheckSchema, description: 'Seed, pool digest and pool size recompute exactly the recorded winner positions' },
        pool: { ...replayCheckSchema, description: 'The pool rebuilt from stored rows as of the draw has the recorded digest (unavailable once its rows expired or were erased)' },
        winners: { ...replayCheckSchema, description: "The draw's winners rows are the pool's participants at the recomputed positions" },
      },
    },
    recomputedPositions: { type: ['array', 'null'], items: { type: 'integer', minimum: 0 } },
    draw: drawRecordSchema,
  },
};

const momentSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['prizeId', 'moment'],
  properties: { prizeId: { type: 'string' }, moment: dateTimeSchema },
};

/** What `verifyCommitment(commitment, revealed)` recomputes the commitment from. */
const revealedDrawSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['flowHashId', 'stepId', 'salt', 'moments'],
  properties: {
    flowHashId: { type: 'string' },
    stepId: { type: 'string' },
    salt: { type: 'string', pattern: '^[0-9a-f]+$' },
    moments: { type: 'array', items: momentSchema },
  },
};

export const instantWinProofSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['flowHashId', 'steps'],
  properties: {
    flowHashId: { type: 'string' },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['stepId', 'commitment', 'committedAt', 'revealedAt', 'revealed'],
        properties: {
          stepId: { type: 'string' },
          commitment: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (hex) of the canonical JSON of the revealed draw' },
          committedAt: dateTimeSchema,
          revealedAt: { type: ['string', 'null'], format: 'date-time' },
          revealed: { oneOf: [{ type: 'null' }, revealedDrawSchema] },
        },
      },
    },
  },
};
