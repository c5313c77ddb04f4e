import { defineRoute } from '../api-route.js';
import { flowIdParams } from '../schemas/flow-schemas.js';
import { flowStatsQuerySchema, flowStatsSchema } from '../schemas/flow-stats-schemas.js';
import { requireWorkspaceFlow } from './draw-routes.js';
import { ParleyError } from '../../../../core/errors.js';
import { getWorkspace } from '../../../../storage/workspace-repository.js';
import { statsRange } from '../../../stats/stats-range.js';
import { flowStatistics } from '../../../stats/flow-stats.js';

export const flowStatsRoute = defineRoute<{ flowId: string }, { from?: string; to?: string }>({
  method: 'get',
  path: '/flows/{flowId}/stats',
  operationId: 'getFlowStats',
  summary:
    'How a flow performs over a range of days in the workspace time zone (default: the last 30): sessions started, ' +
    'completed, the funnel per step (reached, left here), instant-win wins and giveaway entries, and each day; ' +
    'sessions count on the day they started, console previews nowhere. Counts outlive the personal rows they come from.',
  tag: 'flows',
  params: flowIdParams,
  query: flowStatsQuerySchema,
  responses: { 200: { description: 'The statistics', schema: flowStatsSchema } },
  async handler(call) {
    const flow = await requireWorkspaceFlow(call, call.params.flowId);
    const workspace = await getWorkspace(call.services.storage, call.principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    const range = statsRange(call.query, call.services.clock.now(), workspace.timeZone);
    return { body: await flowStatistics(call.services.storage.db, call.services.flows.registry, flow, range, workspace.timeZone) };
  },
});
