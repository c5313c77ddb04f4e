import type { JsonSchema } from '../api-route.js';
import { dateTimeSchema, uuidSchema } from './common-schemas.js';
import { flowDocumentSchema } from '../../../../core/flow-definition.js';

/** A flow's id in the API, its slug (what the widget's data-flow names). */
export const flowSlugSchema = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } as const;

export const flowIdParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['flowId'],
  properties: { flowId: flowSlugSchema },
};

export const flowSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'uuid', 'hashId', 'name', 'status', 'opensAt', 'closesAt', 'start', 'steps', 'version', 'createdAt', 'updatedAt', 'closedAt'],
  properties: {
    id: { type: 'string' },
    uuid: uuidSchema,
    hashId: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: ['open', 'closed'] },
    opensAt: { type: ['string', 'null'], format: 'date-time' },
    closesAt: { type: ['string', 'null'], format: 'date-time' },
    start: { type: 'string' },
    steps: flowDocumentSchema.properties.steps,
    version: { type: 'integer' },
    createdAt: dateTimeSchema,
    updatedAt: dateTimeSchema,
    closedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

export const flowDocumentBodySchema: JsonSchema = flowDocumentSchema;
