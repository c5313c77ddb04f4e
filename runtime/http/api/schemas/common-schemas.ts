import type { JsonSchema } from '../api-route.js';
import { STORE_TABLES } from '../../../../core/store-tables.js';

export const errorResponseSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        path: { type: 'string' },
        details: { type: 'object' },
      },
    },
  },
};

export const uuidSchema: JsonSchema = { type: 'string', format: 'uuid' };
export const dateTimeSchema: JsonSchema = { type: 'string', format: 'date-time' };
export const tableNameSchema: JsonSchema = { type: 'string', enum: [...STORE_TABLES] };

export const storeRowSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'table', 'flowId', 'sessionId', 'participantRef', 'moduleId', 'stepId', 'createdAt', 'expiresAt', 'data', 'personal'],
  properties: {
    id: uuidSchema,
    table: tableNameSchema,
    flowId: { type: ['string', 'null'] },
    sessionId: { type: ['string', 'null'] },
    participantRef: { type: ['string', 'null'] },
    moduleId: { type: 'string' },
    stepId: { type: ['string', 'null'] },
    createdAt: dateTimeSchema,
    expiresAt: dateTimeSchema,
    data: { type: 'object' },
    personal: { type: ['object', 'null'] },
  },
};
