import type { AdminApi } from '../api-client.js';

/** A key as `GET /api/v1/api-keys` shows it (never the key itself). */
export interface ApiKey {
  readonly id: string;
  readonly name: string;
  /** `pk_` and the first characters of the key. */
  readonly prefix: string;
  /** `full`, or `read`: reads only (changes are refused with 403). */
  readonly access: 'full' | 'read';
  /** The parts of the API it may call (`API_PARTS` labels them); null: the whole API. */
  readonly scopes: readonly string[] | null;
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

/** The parts of the API a key may be limited to (its tags), as the console names them. */
export const API_PARTS: ReadonlyArray<{ readonly value: string; readonly label: string }> = [
  { value: 'flows', label: 'Flows' },
  { value: 'exports', label: 'Exports' },
  { value: 'data', label: 'Data' },
  { value: 'subjects', label: 'Data subjects' },
  { value: 'webhooks', label: 'Webhooks' },
  { value: 'codes', label: 'Codes' },
  { value: 'draws', label: 'Draws' },
  { value: 'audit', label: 'Audit' },
  { value: 'workspace', label: 'Settings' },
];

/** How a key's access reads in the list: full or read only, and the parts it is limited to. */
export function accessText(key: Pick<ApiKey, 'access' | 'scopes'>): string {
  const access = key.access === 'read' ? 'Read only' : 'Full';
  if (key.scopes === null) return access;
  return `${access} · ${key.scopes.map((scope) => API_PARTS.find((part) => part.value === scope)?.label ?? scope).join(', ')}`;
}

/** The API key calls of the admin API, typed. */
export function apiKeyApi(api: AdminApi) {
  return Object.freeze({
    /** The key this console is signed in with: every key may read it. */
    current: async () => (await api.request<{ apiKey: ApiKey }>('GET', '/api-keys/current')).apiKey,
    list: async () => (await api.request<{ apiKeys: ApiKey[] }>('GET', '/api-keys')).apiKeys,
    create: (name: string, options: { readonly access: ApiKey['access']; readonly scopes?: readonly string[]; readonly expiresInDays?: number }) =>
      api.request<{ apiKey: ApiKey; key: string }>('POST', '/api-keys', { name, ...options }),
    revoke: (id: string) => api.request<void>('DELETE', `/api-keys/${encodeURIComponent(id)}`),
  });
}

export type ApiKeyApi = ReturnType<typeof apiKeyApi>;
