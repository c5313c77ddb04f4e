import type { JsonSchema, RouteDefinition } from './api-route.js';
import { API_ROOT } from './api-router.js';
import { errorResponseSchema } from './schemas/common-schemas.js';

const ERROR_RESPONSES: Record<number, string> = {
  400: 'Invalid request (code, message and JSON path of the first error)',
  401: 'Missing, unknown or revoked API key',
  404: 'Not found in this workspace',
  413: 'Request body too large',
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

/**
 * The OpenAPI 3.1 document, generated from the same route definitions the server validates
 * requests with, so it cannot drift from what the server does.
 */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], info: { version: string; serverUrl?: string }): Record<string, unknown> {
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
    for (const [status, description] of Object.entries(ERROR_RESPONSES)) {
      responses[status] ??= { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    (paths[`${API_ROOT}${route.path}`] ??= {})[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      parameters: parameters(route),
      ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Parley admin API', version: info.version, description: 'Workspace owners manage flows, retention, stored data and exports.' },
    ...(info.serverUrl && { servers: [{ url: info.serverUrl }] }),
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A workspace API key' } },
      schemas: { Error: errorResponseSchema },
    },
    paths,
  };
}
