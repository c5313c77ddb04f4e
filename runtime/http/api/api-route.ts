import type { Request, Response } from 'express';
import type { ApiKeyPrincipal } from '../../../storage/api-key-repository.js';
import type { ApiServices } from './api-services.js';
import { scopeAllows, type ApiPart, type ApiScope } from '../../../core/api-scopes.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A JSON Schema object, as used in both ajv and the OpenAPI document. */
export type JsonSchema = Record<string, unknown>;

export interface ResponseSpec {
  readonly description: string;
  /** Body schema; omitted for empty (204) or non-JSON (file) responses. */
  readonly schema?: JsonSchema;
  /** Media type of a non-JSON body, e.g. `application/zip`. */
  readonly mediaType?: string;
}

export interface ApiCall<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  readonly principal: ApiKeyPrincipal;
  readonly params: P;
  /** The declared headers that were sent, by their declared names. */
  readonly headers: Record<string, string>;
  readonly query: Q;
  readonly body: B;
  readonly services: ApiServices;
  readonly req: Request;
  readonly res: Response;
}

/**
 * A request body the handler reads itself, as a stream: not parsed by the router and not bound
 * by the JSON body cap (e.g. a CSV upload of any size). Any other media type gets 415.
 */
export interface StreamedBody {
  /** The media type the body must be sent as, e.g. `text/csv` (UTF-8 when a charset is named). */
  readonly mediaType: string;
  /** What the body holds, for the OpenAPI document. */
  readonly description: string;
}

/** What a handler returns; `undefined` means it wrote the response itself (a stream). */
export type ApiResult = { readonly status?: number; readonly body?: unknown } | undefined;

/**
 * One admin API operation. Its schemas are the single source for request validation (ajv) and
 * for the OpenAPI document, so the document always says what the server does.
 */
export interface RouteDefinition<P = any, Q = any, B = any> {
  readonly method: HttpMethod;
  /** OpenAPI-style path under the API root, e.g. `/tables/{table}/rows`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** The part of the API the route belongs to (its OpenAPI tag): what a key's `scopes` name. */
  readonly tag: ApiPart;
  /** Object schema of the path parameters. */
  readonly params?: JsonSchema;
  /** Object schema of the query string (values arrive as strings and are coerced by type). */
  readonly query?: JsonSchema;
  /** Object schema of the request headers the route reads, by their canonical names (e.g. `Idempotency-Key`). */
  readonly headers?: JsonSchema;
  readonly body?: JsonSchema;
  /** A body streamed to the handler instead of a JSON one (`body` is then left out). */
  readonly streamedBody?: StreamedBody;
  /** The body may be left out; it is then validated as `{}`. */
  readonly bodyOptional?: boolean;
  /** A POST that only reads data (a preview, a lookup, a one-time download link): keys that may only read may call it. */
  readonly readOnly?: boolean;
  /**
   * Every key of the workspace may call it, whatever parts of the API it is limited to: what a
   * key reads of itself and of its workspace's settings, which a console needs to show anything.
   * Only GET routes: a change always needs the key's part.
   */
  readonly everyKey?: boolean;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  handler(call: ApiCall<P, Q, B>): Promise<ApiResult>;
}

/** True when a key limited to `scopes` (null: the whole API) may call `route`. */
export function routeAllowedTo(route: Pick<RouteDefinition, 'tag' | 'everyKey'>, scopes: readonly ApiScope[] | null): boolean {
  return route.everyKey === true || scopeAllows(scopes, route.tag);
}

/** True when a route changes something, so a key with `read` access is refused it: every method but GET, unless marked `readOnly`. */
export function routeWrites(route: Pick<RouteDefinition, 'method' | 'readOnly'>): boolean {
  return route.method !== 'get' && route.readOnly !== true;
}

/** Identity helper so a route's types are inferred where it is declared. */
export function defineRoute<P = any, Q = any, B = any>(route: RouteDefinition<P, Q, B>): RouteDefinition<P, Q, B> {
  return route;
}
