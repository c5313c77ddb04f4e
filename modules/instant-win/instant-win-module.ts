import { ConfigError, ParleyError } from '../../core/errors.js';
import type { BotMessage } from '../../core/chat-protocol.js';
import { defineModule, type FlowLifecycleContext, type ModuleCapabilities, type StepContext } from '../../core/module-contract.js';
import { interpolate } from '../../core/interpolate.js';
import { prizeRowData, type DrawPrize } from '../../core/prize.js';
import { normalizeEmail } from '../../core/email-address.js';
import type { InstantWinCapability } from '../../core/capabilities/instant-win-capability.js';
import { checkInstantWinConfig, DEFAULT_TEXTS, instantWinConfigSchema, planOf, type InstantWinConfig } from './instant-win-config.js';
import { drawConflict, drawMoments, pickWeighted, rollOdds, type DrawConflict, type DrawWindow } from './instant-win-draw.js';
import { commitmentOf, newSalt } from './instant-win-commitment.js';

const UNAVAILABLE_TEXT = 'This game is not available right now.';

const CONFLICTS: Readonly<Record<DrawConflict, string>> = {
  revealed: 'This instant-win draw was revealed when the flow closed; the flow cannot reopen with it',
  plan_changed: 'The prizes, stock or mode of an instant-win step cannot change once its draw exists; use a new step id for a new draw',
  window_shrunk: 'The flow must stay open until after every drawn winning moment',
};

function draws(capabilities: ModuleCapabilities): InstantWinCapability {
  return capabilities.instantWin;
}

/** The flow's open window; moments mode cannot draw without both ends. */
function windowOf(flow: FlowLifecycleContext<unknown>['flow']): DrawWindow {
  if (!flow.opensAt) throw new ConfigError('An instant-win step in moments mode needs the flow to have opensAt', '/opensAt');
  if (!flow.closesAt) throw new ConfigError('An instant-win step in moments mode needs the flow to have closesAt', '/closesAt');
  return { opensAt: flow.opensAt, closesAt: flow.closesAt };
}

/** The draw for this participation: a prize id, or null (limit reached, no moment due, lost the roll, no stock). */
async function drawFor(ctx: StepContext<InstantWinConfig>, email: string): Promise<{ prizeId: string | null; limitReached: boolean }> {
  const capability = draws(ctx.capabilities);
  const maxWins = ctx.config.maxWinsPerParticipant ?? 1;
  if ((ctx.config.mode ?? 'moments') === 'moments') return capability.claimMomentWithin(email, maxWins);
  const wins = await capability.holdSubject(email);
  if (wins >= maxWins) return { prizeId: null, limitReached: true };
  const prizeId = rollOdds(ctx.config.odds!) ? await capability.takeStock((available) => pickWeighted(available)) : null;
  return { prizeId, limitReached: false };
}

function text(template: string, ctx: StepContext<InstantWinConfig>, extra: Record<string, string> = {}): BotMessage[] {
  return [{ kind: 'text', text: interpolate(template, { ...ctx.variables.all(), ...extra }) }];
}

/**
 * Instant win: on entering the step the participant (the normalized email captured earlier in
 * the session) takes part in a draw and sees the result at once. Moments mode draws one
 * winning instant per unit of stock when the flow is saved open, commits to them with a
 * SHA-256 hash and reveals them when the flow closes; odds mode wins with a fixed chance
 * while stock remains. Each participant wins at most `maxWinsPerParticipant` times per flow.
 */
export const instantWinModule = defineModule<InstantWinConfig>({
  id: 'instant-win',
  title: 'Instant win',
  description: 'Tells the participant at once whether they won a prize, from winning moments drawn in advance or fixed odds.',
  configSchema: instantWinConfigSchema,
  checkConfig: checkInstantWinConfig,
  tables: { instant_win_claims: { retentionDays: 60, holds: 'Plays and their outcome' }, winners: { retentionDays: 60, holds: 'Instant winners and their prize' } },
  statistics: { instantWinWins: 'winners' },
  requiresStorage: true,
  fields: () => [
    { key: 'instant_win_won', label: 'Instant win: won', type: 'boolean', source: { table: 'instant_win_claims', key: 'won', personal: false } },
    { key: 'instant_win_prize', label: 'Instant win: prize', type: 'text', source: { table: 'instant_win_claims', key: 'prizeId', personal: false } },
  ],

  async onFlowSaved(ctx) {
    const capability = draws(ctx.capabilities);
    const plan = planOf(ctx.config);
    const window = plan.mode === 'moments' ? windowOf(ctx.flow) : null;
    const recorded = await capability.currentDraw();
    if (recorded) {
      const conflict = drawConflict(recorded, plan, ctx.flow.closesAt);
      if (conflict) throw new ParleyError('conflict', CONFLICTS[conflict], { details: { stepId: ctx.stepId, reason: conflict } });
      return;
    }
    if (!window) return capability.recordDraw({ plan, commitment: null, salt: null, moments: [] });
    const moments = drawMoments(plan, window);
    const salt = newSalt();
    const commitment = commitmentOf({ flowHashId: ctx.flow.hashId, stepId: ctx.stepId, salt, moments });
    await capability.recordDraw({ plan, commitment, salt, moments });
  },

  async onFlowClosed(ctx) {
    await draws(ctx.capabilities).revealDraw();
  },

  async handleStep(input, ctx) {
    if (input.kind !== 'enter') return { type: 'next', messages: [] };
    const email = normalizeEmail(ctx.variables.get(ctx.config.emailVariable ?? 'email'));
    if (!email) return { type: 'done', messages: text(ctx.config.noEmailText ?? DEFAULT_TEXTS.noEmailText, ctx) };
    if (!ctx.store.storageEnabled) return { type: 'done', messages: text(UNAVAILABLE_TEXT, ctx) };

    const { prizeId, limitReached } = await drawFor(ctx, email);
    const prize: DrawPrize | undefined = prizeId === null ? undefined : (ctx.config.prizes.find((p) => p.id === prizeId) ?? { id: prizeId, title: prizeId });
    await ctx.store.write('instant_win_claims', {
      data: { prizeId: prize?.id ?? null, won: prize !== undefined, ...(limitReached && { limitReached: true }) },
      personal: { email },
      subject: email,
    });
    if (!prize) return { type: 'next', messages: text(ctx.config.loseText ?? DEFAULT_TEXTS.loseText, ctx) };
    await ctx.store.write('winners', {
      data: { ...prizeRowData(prize), source: 'instant-win' },
      personal: { email },
      subject: email,
    });
    return { type: 'next', messages: text(ctx.config.winText ?? DEFAULT_TEXTS.winText, ctx, { prize: prize.title }) };
  },
});
