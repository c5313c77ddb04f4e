import type { CapabilityFactory } from '../engine/flow-engine.js';
import { ParleyError } from '../errors.js';
import {
  claimInstantWinMoment,
  claimInstantWinMomentWithin,
  findInstantWinDraw,
  holdInstantWinSubject,
  recordInstantWinDraw,
  revealInstantWinDraw,
  takeInstantWinStock,
  type InstantWinMoment,
  type InstantWinPlan,
  type RecordedInstantWinDraw,
} from '../../storage/instant-win-repository.js';

export type { InstantWinMoment, InstantWinPlan, InstantWinPrizePlan, RecordedInstantWinDraw } from '../../storage/instant-win-repository.js';

/** Name under which modules find this capability: `ctx.capabilities.instantWin`. */
export const INSTANT_WIN_CAPABILITY = 'instantWin';

/** Picks one prize among those with stock left. */
export type StockChooser = (available: ReadonlyArray<{ readonly prizeId: string; readonly remaining: number }>) => string;

/**
 * Instant-win draws of one step, inside the current transaction (the flow save/close, or the
 * participant's turn). Lifecycle hooks use the draw methods; steps use the participation ones.
 */
export interface InstantWinCapability {
  /** The draw already recorded for this step, row-locked until the transaction ends. */
  currentDraw(): Promise<RecordedInstantWinDraw | undefined>;
  /** Records this step's draw: plan and commitment, with its moments (moments mode) or stock (odds mode). */
  recordDraw(draw: { readonly plan: InstantWinPlan; readonly commitment: string | null; readonly salt: string | null; readonly moments: readonly InstantWinMoment[] }): Promise<void>;
  /** Marks this step's moments draw revealed (the flow has closed). */
  revealDraw(): Promise<void>;
  /** Serializes this subject's participations in the flow until the turn ends; returns the step module's wins so far. */
  holdSubject(normalizedEmail: string): Promise<number>;
  /** Claims the earliest unclaimed moment due now for this session: the prize id, or null. */
  claimMoment(): Promise<string | null>;
  /**
   * `holdSubject` and `claimMoment` in two statements instead of three: serializes the subject,
   * then claims only while it has fewer than `maxWins` wins.
   */
  claimMomentWithin(normalizedEmail: string, maxWins: number): Promise<{ readonly prizeId: string | null; readonly limitReached: boolean }>;
  /** Takes one unit of stock (odds mode): the prize id, or null when none is left. */
  takeStock(choose: StockChooser): Promise<string | null>;
}

/** Builds the capability over the instant-win repository, bound to the scope's transaction. */
export const instantWinCapability: CapabilityFactory = (scope): InstantWinCapability => {
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
