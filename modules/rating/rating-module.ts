import { defineModule, namedBranches, type RowStatisticCounts, type StatisticScore, type StepResult } from '../../core/module-contract.js';
import { QUESTION, STEP_REFERENCE, VARIABLE_NAME } from '../../core/config-schema-parts.js';
import { interpolate } from '../../core/interpolate.js';

/** Stars (1 to 5: a satisfaction rating) or a net promoter question (0 to 10: how likely to recommend). */
export type RatingScale = 'stars' | 'nps';

export interface RatingConfig {
  readonly question: string;
  readonly scale?: RatingScale;
  readonly lowLabel?: string;
  readonly highLabel?: string;
  /** Session variable that gets the rating (a number); also names its Variables rows and export field. */
  readonly variable?: string;
  /** The step a low rating leads to (1–2 stars; 0–6, a detractor); else the step's own `next`. */
  readonly lowNext?: string;
  /** The step a high rating leads to (4–5 stars; 9–10, a promoter); else the step's own `next`. */
  readonly highNext?: string;
}

/** Each scale's range and what counts as low and high: CSAT's 4–5 of 5 stars, NPS's detractors (0–6) and promoters (9–10). */
export const RATING_SCALES: Readonly<Record<RatingScale, { readonly min: number; readonly max: number; readonly lowMax: number; readonly highMin: number }>> = {
  stars: { min: 1, max: 5, lowMax: 2, highMin: 4 },
  nps: { min: 0, max: 10, lowMax: 6, highMin: 9 },
};

export const RATING_DEFAULTS = Object.freeze({ scale: 'stars' as RatingScale, variable: 'rating' });

/** A rating's place on its scale: low, high, or neither. */
export function ratingLevel(scale: RatingScale, rating: number): { readonly low: boolean; readonly high: boolean } {
  const { lowMax, highMin } = RATING_SCALES[scale];
  return { low: rating <= lowMax, high: rating >= highMin };
}

/**
 * What a range's ratings score when every rating step of the flow uses one scale: the net promoter
 * score (promoters' share less detractors', in points) or satisfaction (CSAT: the share of 4 and
 * 5 stars), rounded to whole numbers.
 */
export function ratingScores(configs: readonly RatingConfig[], counts: RowStatisticCounts): StatisticScore[] {
  const scales = new Set(configs.map((config) => config.scale ?? RATING_DEFAULTS.scale));
  if (scales.size !== 1 || counts.ratings === 0) return [];
  const share = (count: number) => (count * 100) / counts.ratings;
  return scales.has('nps')
    ? [{ key: 'nps', label: 'Net promoter score', value: Math.round(share(counts.ratingsHigh) - share(counts.ratingsLow)), unit: 'points', basedOn: counts.ratings }]
    : [{ key: 'csat', label: 'Satisfaction (CSAT)', value: Math.round(share(counts.ratingsHigh)), unit: 'percent', basedOn: counts.ratings }];
}

const LABEL = { type: 'string', minLength: 1, maxLength: 80 } as const;

/**
 * A rating: 1 to 5 stars, or 0 to 10 for a net promoter question. Low and high ratings may each
 * lead to a step of their own (ask a detractor what went wrong, a promoter for a review). The
 * rating is one Variables row, unsealed (an opinion of the brand, not something about the
 * participant), counted by flow statistics (ratings, high, low: CSAT and NPS) and exported.
 */
export const ratingModule = defineModule<RatingConfig>({
  id: 'rating',
  title: 'Rating',
  description: 'Asks for a rating, 1 to 5 stars or 0 to 10 (net promoter); low and high ratings can each lead to a step of their own.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['question'],
    properties: {
      question: QUESTION,
      scale: {
        title: 'Scale',
        description: 'Stars, 1 to 5 (4 and 5 count as high, 1 and 2 as low); or net promoter, 0 to 10 (9 and 10 are promoters, 0 to 6 detractors).',
        type: 'string',
        enum: ['stars', 'nps'],
        default: RATING_DEFAULTS.scale,
      },
      lowLabel: { ...LABEL, title: 'Low end label', description: 'Under the lowest rating ("Not at all likely").' },
      highLabel: { ...LABEL, title: 'High end label', description: 'Under the highest rating ("Extremely likely").' },
      variable: { ...VARIABLE_NAME, title: 'Variable', description: 'Session variable that gets the rating (a number); it also names the export field.', default: RATING_DEFAULTS.variable },
      lowNext: { ...STEP_REFERENCE, title: 'When low, go to step', description: 'A step for low ratings (ask what went wrong); without it the step’s own next step follows.' },
      highNext: { ...STEP_REFERENCE, title: 'When high, go to step', description: 'A step for high ratings (ask for a review); without it the step’s own next step follows.' },
    },
  },
  tables: { variables: { retentionDays: 60, holds: 'Ratings' } },
  statistics: { ratings: 'variables', ratingsHigh: { table: 'variables', whenTrue: 'high' }, ratingsLow: { table: 'variables', whenTrue: 'low' } },
  scores: (configs, counts) => ratingScores(configs, counts),
  branches: (config) => namedBranches(config, ['lowNext', 'highNext']),
  waits: () => true,
  fields: (config, stepId) => {
    const variable = config.variable ?? RATING_DEFAULTS.variable;
    return [{ key: variable, label: config.question.slice(0, 80), type: 'number', source: { table: 'variables', key: 'rating', personal: false, step: stepId, variable } }];
  },
  async handleStep(input, ctx): Promise<StepResult> {
    const { config } = ctx;
    const scale = config.scale ?? RATING_DEFAULTS.scale;
    const { min, max } = RATING_SCALES[scale];
    if (input.kind === 'enter') {
      return {
        type: 'await',
        messages: [{ kind: 'text', text: interpolate(config.question, ctx.variables.all()) }],
        input: {
          kind: 'rating', min, max, style: scale === 'stars' ? 'stars' : 'numbers',
          ...(config.lowLabel && { lowLabel: config.lowLabel }),
          ...(config.highLabel && { highLabel: config.highLabel }),
        },
      };
    }
    const rating = typeof input.value === 'string' && /^\d{1,2}$/.test(input.value) ? Number(input.value) : Number.NaN;
    if (!(rating >= min && rating <= max)) return { type: 'invalid', error: { code: 'validation_failed', message: `Please choose a rating from ${min} to ${max}`, path: '/value' } };
    const variable = config.variable ?? RATING_DEFAULTS.variable;
    const level = ratingLevel(scale, rating);
    ctx.variables.set(variable, rating);
    await ctx.store.write('variables', { data: { variable, step_id: ctx.stepId, rating, scale, ...level }, event: 'rating.given' });
    const next = level.low ? config.lowNext : level.high ? config.highNext : undefined;
    return { type: 'next', messages: [], ...(next && { next }) };
  },
});
