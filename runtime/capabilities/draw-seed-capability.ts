import type { CapabilityFactory } from '../engine/flow-engine.js';
import { commitDrawSeed } from '../../storage/giveaway-draw-seed-repository.js';

/** Name under which modules find this capability: `ctx.capabilities.drawSeeds`. */
export const DRAW_SEED_CAPABILITY = 'drawSeeds';

/**
 * Commits the secret seeds of a step's next winner draws, inside the current transaction (the
 * flow's save or close), so their SHA-256 is published before anyone draws.
 */
export interface DrawSeedCapability {
  /** Commits a seed for the next draw of this step (`step`) or the next flow-wide draw (`flow`), unless one is in force. */
  commit(scope: 'step' | 'flow'): Promise<void>;
}

/** Builds the capability over the draw seed repository, bound to the scope's transaction. */
export const drawSeedCapability: CapabilityFactory = (scope): DrawSeedCapability => {
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
