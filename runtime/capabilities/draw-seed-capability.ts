import type { CapabilityFactory } from './capability-factory.js';
import type { DrawSeedCapability } from '../../core/capabilities/draw-seed-capability.js';
import { commitDrawSeed } from '../../storage/giveaway-draw-seed-repository.js';


/** Builds the capability over the draw seed repository, bound to the scope's transaction. */
export const drawSeedCapability: CapabilityFactory<DrawSeedCapability> = (scope): DrawSeedCapability => {
  const capability: DrawSeedCapability = {
    async commit(which) {
      await commitDrawSeed(scope.ctx.db, {
        workspaceId: scope.workspace.id,
        flowId: scope.flowId,
        stepId: which === 'step' ? scope.stepId : null,
        now: scope.ctx.clock.now(),
      });
    },
  };
  return Object.freeze(capability);
};
