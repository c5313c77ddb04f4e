import { defineModule, namedBranches, type Frequency, type StepResult } from '../../core/module-contract.js';
import { STEP_REFERENCE, VARIABLE_NAME } from '../../core/config-schema-parts.js';
import { prizeRowData, prizeSchema, type DrawPrize } from '../../core/prize.js';
import { interpolate } from '../../core/interpolate.js';
import { normalizeEmail } from '../../core/email-address.js';
import { MAX_STAMP_GOAL, type BotMessage } from '../../core/chat-protocol.js';

/** How often one person may collect a stamp: once per calendar day or ISO week (workspace time zone), or at every pass. */
export type StampFrequency = Exclude<Frequency, 'once'>;

export interface LoyaltyConfig {
  /** Stamps that fill a card (2–50). */
  readonly goal?: number;
  /** Flows whose loyalty steps name the same program share one card per person; without it the card is this flow's. */
  readonly program?: string;
  readonly frequency?: StampFrequency;
  /** Session variable holding the participant's email (default `email`, set by email-capture). */
  readonly emailVariable?: string;
  /** Session variable that gets the stamps on the card after this one (default `stamps`). */
  readonly variable?: string;
  /** What a full card gives: written on a `winners` row, offered to exports as the gift. */
  readonly prize?: DrawPrize;
  /** The step a full card leads to (a codes step handing out a voucher); else the step's own `next`. */
  readonly completedNext?: string;
  /** Draw the card (its places, the stamped ones filled) after what the step says; default true. */
  readonly showCard?: boolean;
  readonly stampText?: string;
  readonly completedText?: string;
  readonly alreadyText?: string;
  readonly noEmailText?: string;
}

export const LOYALTY_DEFAULTS = Object.freeze({
  goal: 10,
  frequency: 'daily' as StampFrequency,
  emailVariable: 'email',
  variable: 'stamps',
  stampText: 'Stamp collected: {{stamps}} of {{goal}} on your card',
  completedText: 'Your card is full: thank you for your loyalty!',
  noEmailText: 'We need your email address to give you a stamp',
  storageOffText: 'Stamps cannot be recorded right now',
});

const ALREADY_BY_FREQUENCY: Readonly<Record<StampFrequency, string>> = {
  daily: "You have already collected today's stamp; come back tomorrow",
  weekly: "You have already collected this week's stamp; come back next week",
  unlimited: "You have already collected today's stamp; come back tomorrow",
};

/** What a stamp row holds (`data` of a `loyalty` row). */
export interface StampData {
  /** Its place on the card, 1 to the goal. */
  readonly stamp: number;
  /** The goal when it was given. */
  readonly goal: number;
  /** Full cards so far, this one included when it filled it. */
  readonly cards: number;
  /** True when it filled the card. */
  readonly completed: boolean;
  readonly frequency: StampFrequency;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0);

/**
 * The stamp after `latest` (the data of the person's latest stamp still kept, null: none): the
 * next place on the card, or the first of a new card after a full one. A goal lowered since
 * fills the card at the next stamp.
 */
export function nextStamp(latest: Readonly<Record<string, unknown>> | null, goal: number, frequency: StampFrequency): StampData {
  const previous = latest && latest.completed !== true ? count(latest.stamp) : 0;
  const stamp = Math.min(previous + 1, goal);
  const completed = stamp === goal;
  const cards = count(latest?.cards) + (completed ? 1 : 0);
  return { stamp, goal, cards, completed, frequency };
}

const TEXT = { type: 'string', minLength: 1, maxLength: 4000 } as const;
/** A program's id: lowercase letters, digits, - and _. */
const ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' } as const;

/**
 * A loyalty card: each pass through the step gives the participant's email one stamp, at most
 * once per day or week, and every `goal` stamps fill a card, which may give a prize (a winners
 * row, exported as the gift) and lead to a step of its own. The card of a flow (or of a program
 * several flows name) follows the person, not the session: each stamp follows the latest one
 * still kept (the read, the check and the write are atomic per person), so a card lasts as long
 * as the Loyalty table keeps its latest stamp (365 days unless the workspace says otherwise).
 */
export const loyaltyModule = defineModule<LoyaltyConfig>({
  id: 'loyalty',
  title: 'Loyalty card (stamps)',
  description: 'Gives the participant’s email a stamp at each visit, at most once per chosen period; a full card can give a prize and lead to its own step.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      goal: { title: 'Stamps per card', description: `How many stamps fill a card (2 to ${MAX_STAMP_GOAL}).`, type: 'integer', minimum: 2, maximum: MAX_STAMP_GOAL, default: LOYALTY_DEFAULTS.goal },
      program: {
        ...ID,
        title: 'Loyalty program',
        description: 'Flows whose loyalty steps name the same program (one per shop, say) share one card per person, and one stamp per period; without it the card is this flow’s.',
      },
      frequency: {
        title: 'Stamps per person',
        description: 'At most one a calendar day or ISO week (workspace time zone), or one at every pass (after an access-code check, say).',
        type: 'string',
        enum: ['daily', 'weekly', 'unlimited'],
        default: LOYALTY_DEFAULTS.frequency,
      },
      emailVariable: { title: 'Email variable', description: 'Session variable holding the participant’s email (set by an email capture step).', default: LOYALTY_DEFAULTS.emailVariable, ...VARIABLE_NAME },
      variable: { title: 'Stamps variable', description: 'Session variable that gets the stamps on the card, for later messages.', default: LOYALTY_DEFAULTS.variable, ...VARIABLE_NAME },
      prize: prizeSchema({
        title: 'Reward',
        description: 'What a full card gives: written with the card’s winner row and offered to exports (gift id, title, description).',
        hints: { id: 'Lowercase letters, digits, - and _.', title: 'The name of the reward, said as {{prize}}.' },
      }),
      showCard: { title: 'Show the card', description: 'Draws the card in the chat after what the step says, its stamped places filled.', type: 'boolean', default: true },
      completedNext: { ...STEP_REFERENCE, title: 'When the card is full, go to step', description: 'A step for full cards only (a codes step handing out a voucher); without it the step’s own next step follows.' },
      stampText: { ...TEXT, title: 'When stamped', description: 'Said with each stamp; {{stamps}}, {{goal}}, {{remaining}} and {{cards}} are filled in.', default: LOYALTY_DEFAULTS.stampText },
      completedText: { ...TEXT, title: 'When the card is full', description: 'Said instead when the stamp fills the card; {{prize}} and {{cards}} (full cards so far) are filled in.', default: LOYALTY_DEFAULTS.completedText },
      alreadyText: { ...TEXT, title: 'When already stamped', description: 'Said when this email already had its stamp for the period; {{stamps}}, {{goal}}, {{remaining}} and {{cards}} are filled in.', default: ALREADY_BY_FREQUENCY.daily },
      noEmailText: { ...TEXT, title: 'When no email', description: 'Said (and the flow ends) when no email was captured before this step.', default: LOYALTY_DEFAULTS.noEmailText },
    },
  },
  tables: {
    loyalty: { retentionDays: 365, holds: 'Stamps collected' },
    winners: { retentionDays: 60, holds: 'Full cards and their reward' },
    runtime_log: { retentionDays: 7, holds: 'Stamp attempts and their outcome' },
  },
  statistics: { loyaltyStamps: 'loyalty', loyaltyCards: { table: 'loyalty', whenTrue: 'completed' } },
  requiresStorage: true,
  branches: (config) => namedBranches(config, ['completedNext']),
  fields: () => [
    { key: 'loyalty_stamps', label: 'Stamps on the loyalty card', type: 'number', source: { table: 'loyalty', key: 'stamp', personal: false } },
    { key: 'loyalty_cards', label: 'Full loyalty cards', type: 'number', source: { table: 'loyalty', key: 'cards', personal: false } },
  ],
  async handleStep(_input, ctx): Promise<StepResult> {
    const { config } = ctx;
    const goal = config.goal ?? LOYALTY_DEFAULTS.goal;
    const frequency = config.frequency ?? LOYALTY_DEFAULTS.frequency;
    const say = (text: string, extra: Record<string, string | number> = {}) => [{ kind: 'text' as const, text: interpolate(text, { ...ctx.variables.all(), ...extra }) }];
    // What the step says, then the card as it stands.
    const withCard = (text: string, filled: { stamps: number; goal: number; remaining: number; cards: number; prize?: string }): BotMessage[] => [
      ...say(text, filled),
      ...(config.showCard === false ? [] : [{ kind: 'stamps' as const, filled: filled.stamps, goal: filled.goal }]),
    ];
    // Every attempt and its outcome goes to the runtime log (never the email).
    const email = normalizeEmail(ctx.variables.get(config.emailVariable ?? LOYALTY_DEFAULTS.emailVariable));
    if (!email) {
      await ctx.log('loyalty_no_email');
      return { type: 'done', messages: say(config.noEmailText ?? LOYALTY_DEFAULTS.noEmailText) };
    }
    let stamp: StampData | undefined;
    const written = await ctx.store.writeFollowing('loyalty', email, frequency, (latest) => {
      stamp = nextStamp(latest, goal, frequency);
      return { data: { ...stamp }, personal: { email }, ...(stamp.completed && { event: 'loyalty.card_completed' as const }) };
    }, config.program === undefined ? {} : { series: config.program });
    if (written.stored === false && written.reason === 'already_exists') {
      await ctx.log('loyalty_already_stamped', { frequency });
      // Where the card stands: as the stamp of this period left it.
      const stamps = Math.min(count(written.latest?.stamp), goal);
      ctx.variables.set(config.variable ?? LOYALTY_DEFAULTS.variable, stamps);
      return { type: 'next', messages: withCard(config.alreadyText ?? ALREADY_BY_FREQUENCY[frequency], { stamps, goal, remaining: goal - stamps, cards: count(written.latest?.cards) }) };
    }
    if (!written.stored || !stamp) {
      await ctx.log('loyalty_not_stored', { frequency });
      return { type: 'next', messages: say(LOYALTY_DEFAULTS.storageOffText) };
    }
    ctx.variables.set(config.variable ?? LOYALTY_DEFAULTS.variable, stamp.stamp);
    const filled = { stamps: stamp.stamp, goal, remaining: goal - stamp.stamp, cards: stamp.cards, prize: config.prize?.title ?? '' };
    if (!stamp.completed) {
      await ctx.log('loyalty_stamped', { stamp: stamp.stamp, goal });
      return { type: 'next', messages: withCard(config.stampText ?? LOYALTY_DEFAULTS.stampText, filled) };
    }
    await ctx.log('loyalty_card_completed', { goal, cards: stamp.cards });
    if (config.prize) await ctx.store.write('winners', { data: { ...prizeRowData(config.prize), source: 'loyalty' }, personal: { email }, subject: email });
    return { type: 'next', messages: withCard(config.completedText ?? LOYALTY_DEFAULTS.completedText, filled), ...(config.completedNext && { next: config.completedNext }) };
  },
});
