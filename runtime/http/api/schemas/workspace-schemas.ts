import type { JsonSchema } from '../api-route.js';
import { dateTimeSchema, uuidSchema } from './common-schemas.js';
import { MAX_RETENTION_DAYS, STORE_TABLES } from '../../../../core/store-tables.js';
import { AUDIT_RETENTION_DAYS } from '../../../../storage/workspace-settings.js';

const days: JsonSchema = { type: 'integer', minimum: 1, maximum: MAX_RETENTION_DAYS };
const tableDays: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(STORE_TABLES.map((t) => [t, days])),
};

const auditDaysSchema: JsonSchema = {
  type: 'integer', minimum: AUDIT_RETENTION_DAYS.min, maximum: AUDIT_RETENTION_DAYS.max,
  description: 'Days the audit log keeps an entry (365 by default); older entries are never shown and the sweep deletes them',
};

export const retentionSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tables: tableDays,
    modules: { type: 'object', propertyNames: { pattern: '^[a-z][a-z0-9-]{0,63}$' }, additionalProperties: tableDays },
  },
};

/** The per-module switch "Store this module's data": the modules switched off. */
const storageOffModulesSchema: JsonSchema = {
  type: 'array',
  maxItems: 100,
  uniqueItems: true,
  items: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,63}$' },
  description:
    "Modules that run without storing anything (their \"Store this module's data\" switch is off): the next chat turn on any process writes none of their rows. A flow with a step of such a module that needs storage is refused when saved (409 `storage_disabled`, with the step's path). Ids must be modules of `GET /modules`; a change replaces the whole list.",
};

export const workspaceSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'timeZone', 'storageEnabled', 'storageOffModules', 'allowedOrigins', 'retention', 'auditRetentionDays', 'mail', 'withdrawalPage', 'createdAt', 'updatedAt'],
  properties: {
    id: uuidSchema,
    name: { type: 'string' },
    timeZone: { type: 'string' },
    storageEnabled: { type: 'boolean' },
    storageOffModules: storageOffModulesSchema,
    allowedOrigins: { type: 'array', items: { type: 'string' } },
    retention: retentionSchema,
    auditRetentionDays: auditDaysSchema,
    mail: {
      type: ['object', 'null'],
      description: 'SMTP settings for double opt-in mails; the password is write-only (hasPassword tells whether one is set)',
    },
    withdrawalPage: {
      type: ['string', 'null'],
      format: 'uri',
      description: "The public page where people withdraw their consents themselves (they give their address and get a link by mail), at the server's public address (`PARLEY_PUBLIC_URL`): to link from the privacy policy. Null until the workspace has mail settings.",
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
    storageOffModules: storageOffModulesSchema,
    allowedOrigins: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 300 } },
    retention: retentionSchema,
    auditRetentionDays: auditDaysSchema,
    mail: { type: ['object', 'null'], description: 'SMTP settings: { host, port, security: tls|starttls|none, user?, password? (write-only; null removes it), from, fromName? }; null removes them' },
  },
};
