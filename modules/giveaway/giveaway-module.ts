import { defineModule, type Frequency, type StepResult } from '../../core/module-contract.js';
import { VARIABLE_NAME } from '../../core/config-schema-parts.js';
import { prizeSchema, type DrawPrize } from '../../core/prize.js';
import { interpolate } from '../../core/interpolate.js';
import { normalizeEmail } from '../../core/email-address.js';
import { ConfigError } from '../../core/errors.js';

export interface GiveawayConfig {
  /** How often one email may enter: once ever, once per calendar day or ISO week (workspace time zone), or unlimited. */
  readonly frequency?: Frequency;
  /** Entries open at this instant (ISO date-time); before it `closedText` is shown. */
  readonly startsAt?: string;
  /** Entries close at this instant (exclusive). */
  readonly endsAt?: string;
  /** Session variable holding the participant's email (default `email`, set by email-capture). */
  readonly emailVariable?: string;
  readonly confirmText?: string;
  /** Shown when this email already entered within the frequency window. */
  readonly alreadyText?: string;
  /** Shown outside the entry window. */
  readonly closedText?: string;
  /** Shown (and the flow ends) when no valid email is known: a flow design mistake. */
  readonly noEmailText?: string;
  /** What the draw gives its winners: written on their `winners` rows, offered to exports as the gift. */
  readonly prize?: DrawPrize;
}

export const GIVEAWAY_DEFAULTS = Object.freeze({
  frequency: 'once' as Frequency,
  emailVariable: 'email',
  confirmText: "You're in the draw",
  alreadyText: "You have already entered this draw; one entry per person is allowed",
  closedText: 'This draw is not open for entries right now',
  noEmailText: 'We need your email address to enter you in the draw',
  storageOffText: 'Entries cannot be recorded right now',
});

const ALREADY_BY_FREQUENCY: Readonly<Record<Frequency, string>> = {
  once: GIVEAWAY_DEFAULTS.alreadyText,
  daily: 'You have already entered today; come back tomorrow',
  weekly: 'You have already entered this week; come back next week',
  unlimited: GIVEAWAY_DEFAULTS.alreadyText,
};

const TEXT = { type: 'string', minLength: 1, maxLength: 4000 } as const;

/** Where `now` falls relative to the step's entry window. */
export function entryWindowState(config: Pick<GiveawayConfig, 'startsAt' | 'endsAt'>, now: Date): 'before' | 'open' | 'after' {
  if (config.startsAt && now < new Date(config.startsAt)) return 'before';
  if (config.endsAt && now >= new Date(config.endsAt)) return 'after';
  return 'open';
}

/**
 * A raffle entry: the participant's email (from a session variable) enters the draw at most
 * once per frequency window, atomically per email across sessions and processes. Winners are
 * drawn later by the admin API (storage/giveaway-draw-repository.ts), one chance per person;
 * when the flow closes, the seeds of the next draws are committed and their hashes published.
 * Refusals (already entered, outside the window) move on to the next step with a clear
 * message; a missing email ends the flow.
 */
export const giveawayModule = defineModule<GiveawayConfig>({
  id: 'giveaway',
  title: 'Giveaway (raffle entry)',
  description: "Enters the participant's email in a raffle, at most once per chosen period; winners are drawn later.",
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      frequency: { title: 'Entries per person', description: 'once ever, once per calendar day or ISO week (workspace time zone), or unlimited.', default: GIVEAWAY_DEFAULTS.frequency, type: 'string', enum: ['once', 'daily', 'weekly', 'unlimited'] },
      startsAt: { title: 'Entries open', description: 'Before this instant the closed text is shown.', type: 'string', format: 'date-time' },
      endsAt: { title: 'Entries close', description: 'From this instant on the closed text is shown.', type: 'string', format: 'date-time' },
      emailVariable: { title: 'Email variable', description: 'Session variable holding the participant’s email (set by an email capture step).', default: GIVEAWAY_DEFAULTS.emailVariable, ...VARIABLE_NAME },
      confirmText: { ...TEXT, title: 'When entered', description: 'Said when the entry is recorded.', default: GIVEAWAY_DEFAULTS.confirmText },
      alreadyText: { ...TEXT, title: 'When already entered', description: 'Said when this email already entered within the frequency.', default: GIVEAWAY_DEFAULTS.alreadyText },
      closedText: { ...TEXT, title: 'When closed', description: 'Said outside the entry window.', default: GIVEAWAY_DEFAULTS.closedText },
      noEmailText: { ...TEXT, title: 'When no email', description: 'Said (and the flow ends) when no email was captured before this step.', default: GIVEAWAY_DEFAULTS.noEmailText },
      prize: prizeSchema({
        title: 'Prize',
        description: 'What the draw gives its winners: written with each winner and offered to exports (gift id, title, description).',
        hints: { id: 'Lowercase letters, digits, - and _.', title: 'The name of the prize.' },
      }),
    },
  },
  drawPrize: (config) => config.prize,
  checkConfig(config, path) {
    if (config.startsAt && config.endsAt && new Date(config.startsAt) >= new Date(config.endsAt)) {
      throw new ConfigError('endsAt must be after startsAt', `${path}/endsAt`);
    }
  },
  tables: {
    participations: { retentionDays: 60, holds: 'Raffle entries' },
    winners: { retentionDays: 60, holds: 'Drawn winners' },
    runtime_log: { retentionDays: 7, holds: 'Entry attempts and their outcome' },
  },
  statistics: { giveawayEntries: 'participations' },
  requiresStorage: true,
  admin: { winnerDraws: true },
  fields: () => [
    { key: 'giveaway_email', label: 'Giveaway entry email', type: 'text', source: { table: 'participations', key: 'email', personal: true } },
    { key: 'giveaway_step', label: 'Giveaway', type: 'text', source: { table: 'participations', key: 'giveaway', personal: false } },
    { key: 'giveaway_frequency', label: 'Giveaway entry frequency', type: 'text', source: { table: 'participations', key: 'frequency', personal: false } },
  ],
  async onFlowClosed(ctx) {
    // Entries are over: fix the randomness of the coming draws before anyone can draw.
    const seeds = ctx.capabilities.drawSeeds;
    await seeds.commit('step');
    await seeds.commit('flow');
  },
  async handleStep(_input, ctx): Promise<StepResult> {
    const { config } = ctx;
    const say = (text: string) => [{ kind: 'text' as const, text: interpolate(text, ctx.variables.all()) }];
    // Every attempt and its outcome goes to the runtime log (never the email), for the owner to see why an entry did not count.
    const window = entryWindowState(config, ctx.clock.now());
    if (window !== 'open') {
      await ctx.log('giveaway_closed', { window });
      return { type: 'next', messages: say(config.closedText ?? GIVEAWAY_DEFAULTS.closedText) };
    }
    const email = normalizeEmail(ctx.variables.get(config.emailVariable ?? GIVEAWAY_DEFAULTS.emailVariable));
    if (!email) {
      await ctx.log('giveaway_no_email');
      return { type: 'done', messages: say(config.noEmailText ?? GIVEAWAY_DEFAULTS.noEmailText) };
    }
    const frequency = config.frequency ?? GIVEAWAY_DEFAULTS.frequency;
    const written = await ctx.store.writeAtMost(
      'participations',
      { data: { giveaway: ctx.stepId, frequency }, personal: { email }, subject: email },
      frequency,
    );
    await ctx.log(written.stored ? 'giveaway_entered' : written.reason === 'already_exists' ? 'giveaway_already_entered' : 'giveaway_not_stored', { frequency });
    if (written.stored) return { type: 'next', messages: say(config.confirmText ?? GIVEAWAY_DEFAULTS.confirmText) };
    if (written.reason === 'already_exists') return { type: 'next', messages: say(config.alreadyText ?? ALREADY_BY_FREQUENCY[frequency]) };
    return { type: 'next', messages: say(GIVEAWAY_DEFAULTS.storageOffText) };
  },
});
