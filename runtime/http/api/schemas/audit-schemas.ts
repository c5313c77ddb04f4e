import type { JsonSchema } from '../api-route.js';
import { dateTimeSchema } from './common-schemas.js';

/** An action name as the audit log records it, e.g. `subject.erased`. */
export const auditActionSchema: JsonSchema = { type: 'string', pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$', maxLength: 64 };

export const listAuditQuerySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, description: 'Entries per page (default 100)' },
    before: { type: 'string', maxLength: 40, description: 'The `next` cursor of the previous page' },
    action: { ...auditActionSchema, description: 'Only entries of this action' },
    from: { ...dateTimeSchema, description: 'Only entries at or after this instant' },
    to: { ...dateTimeSchema, description: 'Only entries before this instant' },
  },
};

const auditEntrySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'keyId', 'keyName', 'action', 'target', 'counts', 'at'],
  properties: {
    id: { type: 'string' },
    keyId: { type: ['string', 'null'], description: 'The API key that acted (null: no key, e.g. a download link redeemed)' },
    keyName: { type: ['string', 'null'], description: "That key's name" },
    action: { type: 'string' },
    target: { type: ['string', 'null'], description: 'What was acted on: a flow, table or export id, or a keyed hash for a data subject (never an email)' },
    counts: { type: 'object', additionalProperties: { type: 'integer' } },
    at: dateTimeSchema,
  },
};

export const auditPageSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['entries', 'next'],
  properties: {
    next: { type: ['string', 'null'], description: 'Cursor of the next (older) page, null on the last one' },
    entries: { type: 'array', items: auditEntrySchema },
  },
};

export const auditActionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['actions'],
  properties: { actions: { type: 'array', items: { type: 'string' } } },
};
