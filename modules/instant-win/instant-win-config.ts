import { ConfigError } from '../../core/errors.js';
import { VARIABLE_NAME } from '../../core/config-schema-parts.js';
import { prizeSchemaProperties, type DrawPrize } from '../../core/prize.js';
import type { InstantWinPlan } from '../../core/capabilities/instant-win-capability.js';

/** One prize an instant-win step gives away. */
export interface InstantWinPrizeConfig extends DrawPrize {
  /** Units to give away (1..100,000). */
  readonly stock: number;
}

export interface InstantWinConfig {
  readonly prizes: readonly InstantWinPrizeConfig[];
  /** `moments` (default): winning instants drawn when the flow opens; `odds`: each participation wins with `odds`. */
  readonly mode?: 'moments' | 'odds';
  /** Chance of winning per participation, 0 < p ≤ 1; required in odds mode, refused in moments mode. */
  readonly odds?: number;
  /** Wins one participant (normalized email) may have in this flow (default 1). */
  readonly maxWinsPerParticipant?: number;
  /** Shown on a win; `{{prize}}` is the prize title, other `{{variables}}` work as usual. */
  readonly winText?: string;
  readonly loseText?: string;
  /** Shown (and the flow ends) when no email was captured before this step. */
  readonly noEmailText?: string;
  /** Session variable holding the normalized email captured earlier (default `email`). */
  readonly emailVariable?: string;
}

/** Most units one step may give away in total (moments are drawn in the save transaction). */
export const MAX_TOTAL_STOCK = 1_000_000;

export const DEFAULT_TEXTS = Object.freeze({
  winText: 'Congratulations, you won {{prize}}!',
  loseText: 'Sorry, not a winner this time.',
  noEmailText: 'We need your email address before you can play.',
});

const TEXT = { type: 'string', minLength: 1, maxLength: 4000 } as const;

export const instantWinConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['prizes'],
  properties: {
    prizes: {
      title: 'Prizes', description: 'What this step gives away (1 to 100 prizes).',
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'stock'],
        properties: {
          ...prizeSchemaProperties({ id: 'Lowercase letters, digits, - and _; unique in the step.', title: 'Shown to winners as {{prize}}.' }),
          stock: { title: 'Stock', description: 'Units to give away (1 to 100,000).', type: 'integer', minimum: 1, maximum: 100_000 },
        },
      },
    },
    mode: { title: 'Mode', description: 'moments: winning instants drawn when the flow opens (verifiable); odds: each participation wins with the given chance.', default: 'moments', type: 'string', enum: ['moments', 'odds'] },
    odds: { title: 'Chance of winning', description: 'Between 0 and 1 per participation; odds mode only.', type: 'number', exclusiveMinimum: 0, maximum: 1 },
    maxWinsPerParticipant: { title: 'Wins per person', description: 'Wins one email may have in this flow.', default: 1, type: 'integer', minimum: 1, maximum: 1000 },
    winText: { ...TEXT, title: 'When won', description: 'Said on a win; {{prize}} is the prize title.', default: DEFAULT_TEXTS.winText },
    loseText: { ...TEXT, title: 'When lost', description: 'Said when the participation does not win.', default: DEFAULT_TEXTS.loseText },
    noEmailText: { ...TEXT, title: 'When no email', description: 'Said (and the flow ends) when no email was captured before this step.', default: DEFAULT_TEXTS.noEmailText },
    emailVariable: { title: 'Email variable', description: 'Session variable holding the participant’s email.', default: 'email', ...VARIABLE_NAME },
  },
} as const;

/** Checks what the schema cannot: unique prize ids, odds only (and always) in odds mode, total stock. */
export function checkInstantWinConfig(config: InstantWinConfig, path: string): void {
  const seen = new Set<string>();
  config.prizes.forEach((prize, i) => {
    if (seen.has(prize.id)) throw new ConfigError('Prize id is used twice', `${path}/prizes/${i}/id`);
    seen.add(prize.id);
  });
  const mode = config.mode ?? 'moments';
  if (mode === 'odds' && config.odds === undefined) throw new ConfigError('Odds mode needs odds (0 < odds ≤ 1)', `${path}/odds`);
  if (mode === 'moments' && config.odds !== undefined) throw new ConfigError('Odds only apply in odds mode', `${path}/odds`);
  const total = config.prizes.reduce((sum, p) => sum + p.stock, 0);
  if (total > MAX_TOTAL_STOCK) throw new ConfigError(`A step may give away at most ${MAX_TOTAL_STOCK} units in total`, `${path}/prizes`);
}

/** The draw plan of a config: its mode and each prize's stock (titles may change freely). */
export function planOf(config: InstantWinConfig): InstantWinPlan {
  return { mode: config.mode ?? 'moments', prizes: config.prizes.map((p) => ({ id: p.id, stock: p.stock })) };
}
