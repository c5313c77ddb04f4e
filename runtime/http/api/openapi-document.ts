import { routeWrites, type JsonSchema, type RouteDefinition } from './api-route.js';
import { API_ROOT } from './api-router.js';
import { errorResponseSchema } from './schemas/common-schemas.js';

/**
 * What every operation may answer, whatever its handler does: the edge (auth, body parsing,
 * validation of params, query and body, including text PostgreSQL cannot store) and the
 * database. Statuses only some handlers give (409, 410, …) are declared on their routes.
 */
const ERROR_RESPONSES: Record<number, string> = {
  400: 'Invalid request (code, message and JSON path of the first error)',
  401: 'Missing, unknown or revoked API key (with a `WWW-Authenticate: Bearer` challenge)',
  404: 'Not found in this workspace',
  413: 'Request body too large',
  415: 'A request body that is not JSON',
  500: 'Unexpected server error (never a stack trace)',
  503: 'The database is briefly unavailable; try again in a moment',
};

function parameters(route: RouteDefinition): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query], ['header', route.headers]] as const) {
    const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema?.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: property });
    }
  }
  return out;
}

/** What the document says beyond the routes: named schemas, and route schemas it shows as references to them. */
export interface DocumentExtras {
  readonly components?: Readonly<Record<string, JsonSchema>>;
  /** A schema object used by routes (compared by identity) → what the document shows instead, e.g. a `$ref`. */
  readonly substitutions?: ReadonlyMap<object, JsonSchema>;
  /** The OpenAPI 3.1 `webhooks` object: requests the server sends to others. */
  readonly webhooks?: Readonly<Record<string, unknown>>;
}

/** A copy of `value` with every object found in `substitutions` replaced; the route schemas ajv compiled stay as they are. */
function substitute(value: unknown, substitutions: ReadonlyMap<object, JsonSchema>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const replacement = substitutions.get(value);
  if (replacement) return replacement;
  if (Array.isArray(value)) return value.map((item) => substitute(item, substitutions));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, substitutions)]));
}

/**
 * The OpenAPI 3.1 document, generated from the same route definitions the server validates
 * requests with, so it cannot drift from what the server does.
 */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], info: { version: string; serverUrl?: string }, extras: DocumentExtras = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      responses[status] = spec.schema
        ? { description: spec.description, content: { 'application/json': { schema: spec.schema } } }
        : spec.mediaType
          ? { description: spec.description, content: { [spec.mediaType]: { schema: { type: 'string', format: 'binary' } } } }
          : { description: spec.description };
    }
    const forbidden = routeWrites(route) ? 'The API key may only read, or is limited to other parts of the API (`forbidden`)' : 'The API key is limited to other parts of the API (`forbidden`)';
    if (!route.everyKey) responses['403'] ??= { description: forbidden, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    for (const [status, description] of Object.entries(ERROR_RESPONSES)) {
      const text = status === '415' && route.streamedBody ? `A request body that is not ${route.streamedBody.mediaType} in UTF-8` : description;
      responses[status] ??= { description: text, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    (paths[`${API_ROOT}${route.path}`] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.everyKey && { description: 'Every API key of the workspace may call this, whatever parts of the API it is limited to.' }),
      tags: [route.tag],
      parameters: parameters(route),
      ...(route.body && { requestBody: { required: !route.bodyOptional, content: { 'application/json': { schema: route.body } } } }),
      ...(route.streamedBody && { requestBody: { required: true, description: route.streamedBody.description, content: { [route.streamedBody.mediaType]: { schema: { type: 'string' } } } } }),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley admin API',
      version: info.version,
      description: 'Workspace owners manage flows, retention, stored data and exports.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Paths carry `/api/v1`, so the server is the origin the document is served from.
    servers: [{ url: info.serverUrl ?? '/', description: 'This Parley server' }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A workspace API key' } },
      schemas: { Error: errorResponseSchema, ...extras.components },
    },
    paths: extras.substitutions ? substitute(paths, extras.substitutions) : paths,
    ...(extras.webhooks && { webhooks: extras.webhooks }),
  };
}
