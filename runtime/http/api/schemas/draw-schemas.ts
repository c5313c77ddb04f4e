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

export const drawResultSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['drawId', 'participants', 'winners'],
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
  },
};

export const drawRecordSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'stepId', 'drawnAt', 'drawnByKeyId', 'requested', 'drawn', 'participants', 'algorithm', 'poolDigest'],
  properties: {
    id: uuidSchema,
    stepId: { type: ['string', 'null'] },
    drawnAt: dateTimeSchema,
    drawnByKeyId: { type: ['string', 'null'] },
    requested: { type: 'integer' },
    drawn: { type: 'integer' },
    participants: { type: 'integer' },
    algorithm: { type: 'string' },
    poolDigest: { type: 'string', pattern: '^[0-9a-f]{64}$' },
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
