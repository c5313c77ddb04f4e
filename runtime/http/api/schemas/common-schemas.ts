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

/**
 * The body of every download request: the owner accepts the terms the console shows before a
 * link is issued (delete the file as soon as possible, never pass it on unencrypted, for example
 * by email, keep the password secret, and the file is theirs to look after once it leaves Parley).
 */
export const acceptTermsBody = {
  type: 'object', additionalProperties: false, required: ['acceptTerms'],
  properties: {
    acceptTerms: {
      type: 'boolean', const: true,
      description: 'The owner will delete the file as soon as possible, will not pass it on unencrypted (for example by email), will keep the password secret, and is responsible for the file once it leaves Parley',
    },
  },
};

/** What a download request returns: a one-time link to an AES-256 ZIP and its password, shown this once. */
export const downloadLinkProperties = {
  url: { type: 'string', description: 'Works once' },
  password: { type: 'string', description: 'Opens the ZIP (AES-256); shown only in this response, never stored in clear' },
  expiresAt: dateTimeSchema,
};

/** A body that holds one list, `{ [name]: [item, …] }`: the shape of the API's plain (unpaged) lists. */
export function listBody(name: string, item: Record<string, unknown>) {
  return { type: 'object', additionalProperties: false, required: [name], properties: { [name]: { type: 'array', items: item } } };
}
