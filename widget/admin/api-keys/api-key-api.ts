import type { AdminApi } from '../api-client.js';

/** A key as `GET /api/v1/api-keys` shows it (never the key itself). */
export interface ApiKey {
  readonly id: string;
  readonly name: string;
  /** `pk_` and the first characters of the key. */
  readonly prefix: string;
  /** `full`, or `read`: reads only (changes are refused with 403). */
  readonly access: 'full' | 'read';
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
  /** When it is refused from; null: never. */
  readonly expiresAt: string | null;
  /** Past its expiry: refused, as a revoked key. */
  readonly expired: boolean;
  /** The key this console is signed in with. */
  readonly current: boolean;
}

/** The API key calls of the admin API, typed. */
export function apiKeyApi(api: AdminApi) {
  return Object.freeze({
    list: async () => (await api.request<{ apiKeys: ApiKey[] }>('GET', '/api-keys')).apiKeys,
    create: (name: string, access: ApiKey['access'], expiresInDays?: number) =>
      api.request<{ apiKey: ApiKey; key: string }>('POST', '/api-keys', { name, access, ...(expiresInDays !== undefined && { expiresInDays }) }),
    revoke: (id: string) => api.request<void>('DELETE', `/api-keys/${encodeURIComponent(id)}`),
  });
}

export type ApiKeyApi = ReturnType<typeof apiKeyApi>;
