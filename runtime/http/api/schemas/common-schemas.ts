import type { JsonSchema, ResponseSpec } from '../api-route.js';
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

/** A status only some handlers give (409, 410, …), answered with the shared `Error` body. */
export function errorResponse(description: string): ResponseSpec {
  return { description, schema: { $ref: '#/components/schemas/Error' } };
}

/** 410 from any route that reads or writes personal values after crypto-shredding. */
export const dataKeyDestroyedResponse = errorResponse("The workspace's data key was destroyed (crypto-shredding): its personal data cannot be read");
