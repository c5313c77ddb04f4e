import { defineRoute } from '../api-route.js';
import { audit } from '../audit.js';
import { errorResponse } from '../schemas/common-schemas.js';
import { apiKeyIdParams, apiKeyListSchema, apiKeyWithSecretSchema, createApiKeyBodySchema, currentApiKeySchema } from '../schemas/api-key-schemas.js';
import type { ApiScope } from '../../../../core/api-scopes.js';
import { ParleyError } from '../../../../core/errors.js';
import { getApiKey, issueApiKey, listApiKeys, revokeApiKey, type ApiKeyAccess, type ApiKeyInfo } from '../../../../storage/api-key-repository.js';

/** A key as the API shows it, `current` for the one making the request. */
function apiKeyJson(key: ApiKeyInfo, currentKeyId: string) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    access: key.access,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    expired: key.expired,
    current: key.id === currentKeyId,
  };
}

export const listApiKeysRoute = defineRoute({
  method: 'get',
  path: '/api-keys',
  operationId: 'listApiKeys',
  summary: "The workspace's API keys, live and revoked, newest first: name, first characters, when created, last used, revoked and when it expires (never the keys)",
  tag: 'api-keys',
  responses: { 200: { description: 'The keys', schema: apiKeyListSchema } },
  async handler({ principal, services }) {
    const keys = await listApiKeys(services.storage.db, principal.workspaceId);
    return { body: { apiKeys: keys.map((key) => apiKeyJson(key, principal.keyId)) } };
  },
});

export const getCurrentApiKeyRoute = defineRoute({
  method: 'get',
  path: '/api-keys/current',
  operationId: 'getCurrentApiKey',
  summary: 'The key making the request: its name, access, the parts of the API it may call and when it expires (never the key). A console reads it to show only what the key may do',
  tag: 'api-keys',
  everyKey: true,
  responses: { 200: { description: 'The key', schema: currentApiKeySchema } },
  async handler({ principal, services }) {
    const key = await getApiKey(services.storage.db, principal.workspaceId, principal.keyId);
    // Revoked since it was authenticated, an instant ago: as it would be refused now.
    if (!key || key.revokedAt) throw new ParleyError('unauthorized', 'This API key is no longer accepted');
    return { body: { apiKey: apiKeyJson(key, principal.keyId) } };
  },
});

export const createApiKeyRoute = defineRoute<unknown, unknown, { name: string; access?: ApiKeyAccess; scopes?: ApiScope[]; expiresInDays?: number }>({
  method: 'post',
  path: '/api-keys',
  operationId: 'createApiKey',
  summary: 'Issue an API key for the workspace (a partner system, a colleague), with full access or to read only, for the whole API or limited to some of its parts, that never expires or expires after a number of days. The key is answered this once; only its SHA-256 is stored',
  tag: 'api-keys',
  body: createApiKeyBodySchema,
  responses: { 201: { description: 'Issued, with the key (shown once)', schema: apiKeyWithSecretSchema } },
  async handler(call) {
    const name = call.body.name.trim();
    const { access, scopes, expiresInDays } = call.body;
    const issued = await issueApiKey(call.services.storage.db, call.principal.workspaceId, { name, ...(access && { access }), ...(scopes && { scopes }), ...(expiresInDays !== undefined && { expiresInDays }) });
    await audit(call, 'api_key.created', issued.id);
    const info: ApiKeyInfo = { id: issued.id, name, prefix: issued.prefix, access: issued.access, scopes: issued.scopes, createdAt: issued.createdAt, lastUsedAt: null, revokedAt: null, expiresAt: issued.expiresAt, expired: false };
    return { status: 201, body: { apiKey: apiKeyJson(info, call.principal.keyId), key: issued.key } };
  },
});

export const revokeApiKeyRoute = defineRoute<{ keyId: string }>({
  method: 'delete',
  path: '/api-keys/{keyId}',
  operationId: 'revokeApiKey',
  summary: 'Revoke an API key: its next request gets 401. The workspace keeps at least one working (not expired) key with full access to the whole API (409 for the last one); the key making the request may be revoked when another is left',
  tag: 'api-keys',
  params: apiKeyIdParams,
  responses: { 204: { description: 'Revoked' }, 409: errorResponse("The workspace's last live key with full access: issue another one first") },
  async handler(call) {
    const outcome = await revokeApiKey(call.services.storage.db, call.principal.workspaceId, call.params.keyId, { keepOne: true });
    if (outcome === 'not_found') throw new ParleyError('not_found', 'No such live API key');
    if (outcome === 'last_key') throw new ParleyError('conflict', "This is the workspace's last live API key with full access to the whole API: issue another one before revoking it", { path: '/keyId' });
    await audit(call, 'api_key.revoked', call.params.keyId);
    return { status: 204 };
  },
});
