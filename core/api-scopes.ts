/** The parts of the admin API, as its routes are tagged (the OpenAPI document's tags). */
export const API_PARTS = ['flows', 'exports', 'data', 'subjects', 'webhooks', 'codes', 'draws', 'audit', 'workspace', 'api-keys'] as const;
export type ApiPart = (typeof API_PARTS)[number];

/**
 * A part an API key may be limited to: every part but `api-keys`, which only a key for the
 * whole API calls (a limited key could otherwise issue itself a wider one).
 */
export type ApiScope = Exclude<ApiPart, 'api-keys'>;
export const API_SCOPES: readonly ApiScope[] = API_PARTS.filter((part): part is ApiScope => part !== 'api-keys');

/**
 * True when a key limited to `scopes` may call a route of `part`; null scopes: the whole API.
 *
 * @example scopeAllows(['subjects'], 'flows') // false
 */
export function scopeAllows(scopes: readonly ApiScope[] | null, part: ApiPart): boolean {
  return scopes === null || (part !== 'api-keys' && scopes.includes(part));
}
