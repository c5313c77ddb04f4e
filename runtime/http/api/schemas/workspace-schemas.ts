import type { JsonSchema } from '../api-route.js';
import { dateTimeSchema, uuidSchema } from './common-schemas.js';
import { MAX_RETENTION_DAYS, STORE_TABLES } from '../../../../core/store-tables.js';

const days: JsonSchema = { type: 'integer', minimum: 1, maximum: MAX_RETENTION_DAYS };
const tableDays: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(STORE_TABLES.map((t) => [t, days])),
};

export const retentionSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tables: tableDays,
    modules: { type: 'object', propertyNames: { pattern: '^[a-z][a-z0-9-]{0,63}$' }, additionalProperties: tableDays },
  },
};

export const workspaceSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'timeZone', 'storageEnabled', 'allowedOrigins', 'retention', 'mail', 'createdAt', 'updatedAt'],
  properties: {
    id: uuidSchema,
    name: { type: 'string' },
    timeZone: { type: 'string' },
    storageEnabled: { type: 'boolean' },
    allowedOrigins: { type: 'array', items: { type: 'string' } },
    retention: retentionSchema,
    mail: {
      type: ['object', 'null'],
      description: 'SMTP settings for double opt-in mails; the password is write-only (hasPassword tells whether one is set)',
    },
    createdAt: dateTimeSchema,
    updatedAt: dateTimeSchema,
  },
};

export const workspacePatchSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    timeZone: { type: 'string', minLength: 1, maxLength: 64 },
    storageEnabled: { type: 'boolean' },
    allowedOrigins: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 300 } },
    retention: retentionSchema,
    mail: { type: ['object', 'null'], description: 'SMTP settings: { host, port, security: tls|starttls|none, user?, password? (write-only; null removes it), from, fromName? }; null removes them' },
  },
};
