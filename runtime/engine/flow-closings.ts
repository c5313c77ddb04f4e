import type { Logger } from '../../core/logger.js';
import { listFlowsDueToClose } from '../../storage/flow-repository.js';
import { getWorkspace } from '../../storage/workspace-repository.js';
import { closeFlowNow, type FlowLifecycleDeps } from './flow-lifecycle.js';

/**
 * Closes every open flow whose closing time (`closesAt`) has come by `deps.clock` (as the sweeper
 * reads it), as closing it by hand does: modules' close hooks (instant-win reveal, draw-seed
 * commitment), the `flow.closed` webhook event and the exports at closure. The chat stops taking
 * new conversations at that time already; this makes the closure itself happen then (within a
 * minute: the server's `flow-close` cron). Each flow closes once, whichever process gets to it
 * (`closeFlowNow` closes only an open flow). A flow that fails to close is logged (its slug and
 * the error's message) and tried again at the next call; the others still close. Returns the
 * flows this call closed.
 */
export async function closeDueFlows(deps: FlowLifecycleDeps, logger: Logger): Promise<Array<{ workspaceId: string; slug: string }>> {
  const closed: Array<{ workspaceId: string; slug: string }> = [];
  for (const due of await listFlowsDueToClose(deps.storage.db, deps.clock.now())) {
    try {
      const workspace = await getWorkspace(deps.storage, due.workspaceId);
      if (!workspace) continue;
      const result = await closeFlowNow(deps, workspace, due.slug);
      if (result.closedNow) closed.push(due);
    } catch (error) {
      logger.error({ err: { message: (error as Error)?.message }, workspaceId: due.workspaceId, slug: due.slug }, 'flow not closed at its closing time; tried again at the next tick');
    }
  }
  return closed;
}
