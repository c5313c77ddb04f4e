import type { JsonSchema } from '../api-route.js';
import { dateTimeSchema, uuidSchema } from './common-schemas.js';
import { API_SCOPES } from '../../../../core/api-scopes.js';

/** Path parameters of one key's routes. */
export const apiKeyIdParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['keyId'],
  properties: { keyId: uuidSchema },
};

const ACCESS: JsonSchema = {
  type: 'string',
  enum: ['full', 'read'],
  description: '`full`: everything. `read`: GET requests and the operations that only read (previews, a data-subject lookup, download links); anything else gets 403.',
};

const SCOPE: JsonSchema = { type: 'string', enum: [...API_SCOPES] };

const SCOPES: JsonSchema = {
  type: 'array',
  items: SCOPE,
  minItems: 1,
  uniqueItems: true,
  description: 'The parts of the API (its tags) the key may call; any other route gets 403. A limited key never manages keys (`api-keys`), so it cannot issue itself a wider one.',
};

/** `POST /api-keys`: the new key's name and access. */
export const createApiKeyBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S', description: 'What the key is for (the CRM, a colleague’s console): shown in the key list and the audit log.' },
    access: { ...ACCESS, default: 'full' },
    scopes: { ...SCOPES, description: `${SCOPES.description} Without it, the whole API.` },
    expiresInDays: { type: 'integer', minimum: 1, maximum: 3650, description: 'Days until the key is refused (a campaign partner’s, a contractor’s); without it, the key never expires.' },
  },
};

/** A key as the API shows it: never the key itself. */
export const apiKeySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'prefix', 'access', 'scopes', 'createdAt', 'lastUsedAt', 'revokedAt', 'expiresAt', 'expired', 'current'],
  properties: {
    id: uuidSchema,
    name: { type: 'string' },
    prefix: { type: 'string', description: 'The first characters of the key (`pk_` and 7 more), to tell keys apart.' },
    access: ACCESS,
    scopes: { anyOf: [SCOPES, { type: 'null', description: 'The whole API.' }] },
    createdAt: dateTimeSchema,
    lastUsedAt: { ...dateTimeSchema, type: ['string', 'null'], description: 'When the key last made a request; null if never.' },
    revokedAt: { ...dateTimeSchema, type: ['string', 'null'], description: 'When it was revoked; null if it was not.' },
    expiresAt: { ...dateTimeSchema, type: ['string', 'null'], description: 'When it is refused from; null: it never expires.' },
    expired: { type: 'boolean', description: 'True once it is past its expiry (it is refused, as a revoked key is).' },
    current: { type: 'boolean', description: 'True for the key that made this request.' },
  },
};

/** `GET /api-keys`: the workspace's keys, live and revoked, newest first. */
export const apiKeyListSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiKeys'],
  properties: { apiKeys: { type: 'array', items: apiKeySchema } },
};

/** `POST /api-keys`: the new key, and the key itself, answered this once. */
export const apiKeyWithSecretSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiKey', 'key'],
  properties: {
    apiKey: apiKeySchema,
    key: { type: 'string', description: 'The key, shown this once (only its SHA-256 is stored): send it as `Authorization: Bearer <key>`.' },
  },
};

/** `GET /api-keys/current`: the key making the request. */
export const currentApiKeySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiKey'],
  properties: { apiKey: apiKeySchema },
};
