import type { CapabilityFactory } from './capability-factory.js';
import { ParleyError } from '../../core/errors.js';
import type { InstantWinCapability } from '../../core/capabilities/instant-win-capability.js';
import {
  claimInstantWinMoment,
  claimInstantWinMomentWithin,
  findInstantWinDraw,
  holdInstantWinSubject,
  recordInstantWinDraw,
  revealInstantWinDraw,
  takeInstantWinStock,
} from '../../storage/instant-win-repository.js';

/** Builds the capability over the instant-win repository, bound to the scope's transaction. */
export const instantWinCapability: CapabilityFactory<InstantWinCapability> = (scope): InstantWinCapability => {
  const { ctx, flowId, stepId } = scope;
  const sessionId = (): string => {
    if (!scope.session) throw new ParleyError('internal', 'Instant-win participation outside a chat turn');
    return scope.session.id;
  };
  const capability: InstantWinCapability = {
    currentDraw: () => findInstantWinDraw(ctx.db, flowId, stepId),
    recordDraw: (draw) => recordInstantWinDraw(ctx.db, { ...draw, workspaceId: scope.workspace.id, flowId, stepId, now: ctx.clock.now() }),
    revealDraw: () => revealInstantWinDraw(ctx.db, flowId, stepId, ctx.clock.now()),
    holdSubject: (normalized) => holdInstantWinSubject(ctx, { workspaceId: scope.workspace.id, flowId, moduleId: scope.module.id, normalized }),
    claimMoment: () => claimInstantWinMoment(ctx.db, { flowId, stepId, sessionId: sessionId(), at: ctx.clock.now() }),
    async claimMomentWithin(normalized, maxWins) {
      const subject = { workspaceId: scope.workspace.id, flowId, moduleId: scope.module.id, normalized };
      const { wins, prizeId } = await claimInstantWinMomentWithin(ctx, subject, { stepId, sessionId: sessionId(), at: ctx.clock.now(), maxWins });
      return { prizeId, limitReached: wins >= maxWins };
    },
    takeStock: (choose) => takeInstantWinStock(ctx.db, { flowId, stepId }, choose),
  };
  return Object.freeze(capability);
};
/** `holdSubject` counts the module's winners rows. */
Object.assign(instantWinCapability, { reads: ['winners'] });
