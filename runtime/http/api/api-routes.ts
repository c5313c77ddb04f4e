import type { RouteDefinition } from './api-route.js';
import { listRowsRoute, listTablesRoute } from './routes/table-routes.js';
import { getWorkspaceRoute, patchWorkspaceRoute } from './routes/workspace-routes.js';

/** Every admin API operation, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly RouteDefinition[] = [getWorkspaceRoute, patchWorkspaceRoute, listTablesRoute, listRowsRoute];
