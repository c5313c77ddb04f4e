import { describe, expect, it } from 'vitest';
import { buildApiRouter } from '../../../runtime/http/api/api-router.js';
import { defineRoute, routeAllowedTo } from '../../../runtime/http/api/api-route.js';
import { API_ROUTES } from '../../../runtime/http/api/api-routes.js';
import { buildOpenApiDocument } from '../../../runtime/http/api/openapi-document.js';
import type { ApiServices } from '../../../runtime/http/api/api-services.js';

const openToAll = API_ROUTES.filter((route) => route.everyKey).map((route) => route.operationId);

describe('routes every key may call', () => {
  it("are the key itself, the workspace settings and the workspace's public GPG key, all reads, open to a key limited to any one part", () => {
    expect(openToAll.sort()).toEqual(['getCurrentApiKey', 'getWorkspace', 'getWorkspaceGpgKey']);
    for (const route of API_ROUTES.filter((r) => r.everyKey)) {
      expect(route.method).toBe('get');
      expect(routeAllowedTo(route, ['draws'])).toBe(true);
    }
    const patch = API_ROUTES.find((route) => route.operationId === 'updateWorkspace')!;
    expect([routeAllowedTo(patch, ['draws']), routeAllowedTo(patch, ['workspace']), routeAllowedTo(patch, null)]).toEqual([false, true, true]);
  });

  it('are documented without a 403 and with a sentence saying so; the others keep their 403', () => {
    const document = buildOpenApiDocument(API_ROUTES, { version: 'test' }) as { paths: Record<string, Record<string, { operationId: string; description?: string; responses: Record<string, unknown> }>> };
    for (const operation of Object.values(document.paths).flatMap((methods) => Object.values(methods))) {
      const open = openToAll.includes(operation.operationId);
      expect(['403' in operation.responses, operation.description?.startsWith('Every API key of the workspace may call this')], operation.operationId).toEqual([!open, open ? true : undefined]);
    }
  });

  it('must be reads: a route that changes something cannot be opened to every key', () => {
    const write = defineRoute({ method: 'post', path: '/x', operationId: 'x', summary: 'x', tag: 'flows', everyKey: true, responses: {}, handler: async () => ({}) });
    expect(() => buildApiRouter([write], { storage: { db: {} } } as unknown as ApiServices)).toThrow('x: only a GET route may be open to every key');
  });
});
