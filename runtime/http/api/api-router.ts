import express, { Router, type Request, type RequestHandler } from 'express';
import { ParleyError } from '../../../core/errors.js';
import { compileSchema, validateOrThrow, type Validator } from '../../../core/schema-validator.js';
import type { ApiServices } from './api-services.js';
import { routeAllowedTo, routeWrites, type JsonSchema, type RouteDefinition } from './api-route.js';
import { authMiddleware } from './auth-middleware.js';
import { assertJsonInput, MAX_BODY_BYTES } from './json-limits.js';
import { methodNotAllowed, requireJsonBody, requireMediaType } from './http-conventions.js';

export const API_ROOT = '/api/v1';

/** `/tables/{table}/rows` → `/tables/:table/rows`. */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** Query strings carry text; turn values into the types the query schema declares. */
function coerceQuery(schema: JsonSchema | undefined, query: Request['query']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = (schema?.properties ?? {}) as Record<string, { type?: string }>;
  for (const [key, raw] of Object.entries(query)) {
    if (typeof raw !== 'string') throw new ParleyError('bad_request', 'Query parameters must appear once', { path: `/${key.slice(0, 64)}` });
    const type = properties[key]?.type;
    if ((type === 'integer' || type === 'number') && raw.trim() !== '' && !Number.isNaN(Number(raw))) out[key] = Number(raw);
    else if (type === 'boolean' && (raw === 'true' || raw === 'false')) out[key] = raw === 'true';
    else out[key] = raw;
  }
  return out;
}

/** The headers a route declares, under their declared names (HTTP header names are case-insensitive). */
function declaredHeaders(schema: JsonSchema | undefined, req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys((schema?.properties ?? {}) as Record<string, unknown>)) {
    const value = req.headers[name.toLowerCase()];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly params?: Validator;
  readonly query?: Validator;
  readonly headers?: Validator;
  readonly body?: Validator;
}

/** Compiles a route's schemas once, at start-up. */
function compile(route: RouteDefinition): CompiledRoute {
  if (route.everyKey && route.method !== 'get') throw new Error(`${route.operationId}: only a GET route may be open to every key`);
  return {
    route,
    ...(route.params && { params: compileSchema(route.params) }),
    ...(route.query && { query: compileSchema(route.query) }),
    ...(route.headers && { headers: compileSchema(route.headers) }),
    ...(route.body && { body: compileSchema(route.body) }),
  };
}

/** The express handler of one route: validate, run, answer (or leave it to a handler that streamed). */
function routeHandler(compiled: CompiledRoute, services: ApiServices): RequestHandler {
  return async (req, res, next) => {
    try {
      const { scopes } = req.principal!;
      if (!routeAllowedTo(compiled.route, scopes)) {
        throw new ParleyError('forbidden', `This API key may not call this part of the API (${compiled.route.tag}); it is limited to ${scopes?.join(', ')}`);
      }
      if (req.principal!.access === 'read' && routeWrites(compiled.route)) {
        throw new ParleyError('forbidden', 'This API key may only read; changes need a key with full access');
      }
      const call = prepareCall(compiled, req);
      const result = await compiled.route.handler({ ...call, principal: req.principal!, services, req, res });
      if (result === undefined) return;
      if (req.method !== 'GET' && req.method !== 'HEAD') await services.changes?.sync();
      if (result.body === undefined) res.status(result.status ?? 204).end();
      else res.status(result.status ?? 200).json(result.body);
    } catch (error) {
      next(error);
    }
  };
}

/**
 * Mounts every route under `/api/v1`: JSON bodies only (415), body limits, auth (401), ajv
 * validation from the route's schemas, and 405 with `Allow` for a known path's other methods.
 * Routes with a streamed body come first: their own media type (415), auth, and the body left
 * unread for the handler.
 */
export function buildApiRouter(routes: readonly RouteDefinition[], services: ApiServices, publicHandlers: Router[] = []): Router {
  const router = Router();
  for (const handler of publicHandlers) router.use(API_ROOT, handler);
  const api = Router();
  const auth = authMiddleware(services.storage.db);
  for (const route of routes) {
    if (route.streamedBody) api[route.method](expressPath(route.path), requireMediaType(route.streamedBody.mediaType), auth, routeHandler(compile(route), services));
  }
  api.use(requireJsonBody);
  api.use(express.json({ limit: MAX_BODY_BYTES, strict: false, type: () => true }));
  api.use(auth);
  for (const route of routes) {
    if (!route.streamedBody) api[route.method](expressPath(route.path), routeHandler(compile(route), services));
  }
  for (const [path, methods] of methodsByPath(routes)) api.all(expressPath(path), methodNotAllowed(methods));
  router.use(API_ROOT, api);
  return router;
}

/** The methods each path answers, for the 405 `Allow` header. */
function methodsByPath(routes: readonly RouteDefinition[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const route of routes) {
    const methods = out.get(route.path) ?? [];
    methods.push(route.method.toUpperCase());
    out.set(route.path, methods);
  }
  return out;
}

/**
 * Validates a request against its route's schemas. Every string and key of the path
 * parameters, query and body is checked first, whatever the route: text PostgreSQL cannot store
 * is refused here with its JSON path, so no handler ever sees it.
 */
function prepareCall(compiled: CompiledRoute, req: Request) {
  assertJsonInput({ ...req.params }, '/params');
  assertJsonInput(req.query, '/query');
  if (req.body !== undefined) assertJsonInput(req.body, '');
  const params = compiled.params ? validateOrThrow(compiled.params, { ...req.params }, '/params') : {};
  const query = compiled.query ? validateOrThrow(compiled.query, coerceQuery(compiled.route.query, req.query), '/query') : {};
  const headers = compiled.headers ? validateOrThrow(compiled.headers, declaredHeaders(compiled.route.headers, req), '/headers') : {};
  let body: unknown;
  if (compiled.body) {
    const sent: unknown = req.body === undefined && compiled.route.bodyOptional ? {} : req.body;
    if (sent === undefined) throw new ParleyError('bad_request', 'A JSON request body is required', { path: '/' });
    body = validateOrThrow(compiled.body, sent, '');
  }
  return { params, query, headers, body } as { params: Record<string, string>; query: Record<string, unknown>; headers: Record<string, string>; body: unknown };
}
