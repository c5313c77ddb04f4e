import type { JsonSchema } from '../api-route.js';
import { flowIdParams } from './flow-schemas.js';
import { stepIdSchema } from './draw-schemas.js';
import { MAX_CODE_LENGTH, MAX_CODES_PER_UPLOAD } from '../../../../storage/code-pool-repository.js';

export const flowStepParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['flowId', 'stepId'],
  properties: { ...(flowIdParams.properties as Record<string, JsonSchema>), stepId: stepIdSchema },
};

export const addCodesBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['codes'],
  properties: {
    codes: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_CODES_PER_UPLOAD,
      description: 'Codes in the order they are handed out; already known ones (ignoring case) are skipped as duplicates',
      items: {
        type: 'string',
        minLength: 1,
        // Surrounding spaces are trimmed before the 1..64 printable characters rule applies.
        maxLength: MAX_CODE_LENGTH * 4,
        description: `1 to ${MAX_CODE_LENGTH} printable characters once trimmed`,
      },
    },
  },
};

export const addCodesResultSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['added', 'duplicates'],
  properties: { added: { type: 'integer', minimum: 0 }, duplicates: { type: 'integer', minimum: 0 } },
};

export const codePoolStatsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['total', 'assigned', 'available'],
  properties: {
    total: { type: 'integer', minimum: 0 },
    assigned: { type: 'integer', minimum: 0, description: 'Handed out (distribute mode) or used (single-use check mode)' },
    available: { type: 'integer', minimum: 0 },
  },
};

export const codeCsvQuerySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { header: { type: 'boolean', description: 'The first line names the columns and is skipped (default false: every line holds a code)' } },
};

export const codePoolListSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['pools'],
  properties: {
    pools: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['flowId', 'flowName', 'flowStatus', 'stepId', 'total', 'assigned', 'available'],
        properties: {
          flowId: { type: 'string', description: "The flow's id (slug)" },
          flowName: { type: 'string' },
          flowStatus: { type: 'string', enum: ['open', 'closed'] },
          stepId: { type: 'string' },
          ...(codePoolStatsSchema.properties as Record<string, JsonSchema>),
        },
      },
    },
  },
};
