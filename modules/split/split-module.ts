import { randomInt } from 'node:crypto';
import { defineModule } from '../../core/module-contract.js';
import { STEP_REFERENCE, VARIABLE_NAME, listOf } from '../../core/config-schema-parts.js';
import { ConfigError } from '../../core/errors.js';

export interface SplitVariant {
  readonly id: string;
  /** What owners call it ("Short welcome"), in exports' condition values; the id otherwise. */
  readonly label?: string;
  /** Its share against the others' weights (1 by default); 0 pauses it. */
  readonly weight?: number;
  /** The step it leads to; without it, the step's own next step. */
  readonly next?: string;
}

export interface SplitConfig {
  readonly variants: readonly SplitVariant[];
  /** Session variable that gets the variant's id; it also names its Variables rows and export field. */
  readonly variable?: string;
}

export const SPLIT_DEFAULTS = Object.freeze({ variable: 'variant', weight: 1 });

/** A uniform integer in [0, max). */
export type RandomBelow = (max: number) => number;

/** One variant, drawn in proportion to the weights (some weight is above 0, as the config check makes sure). */
export function drawVariant(variants: readonly SplitVariant[], below: RandomBelow = randomInt): SplitVariant {
  const weights = variants.map((variant) => variant.weight ?? SPLIT_DEFAULTS.weight);
  let ticket = below(weights.reduce((sum, weight) => sum + weight, 0));
  for (const [i, weight] of weights.entries()) {
    if (ticket < weight) return variants[i]!;
    ticket -= weight;
  }
  throw new RangeError('The draw fell beyond the weights');
}

/**
 * An A/B test: each participant gets one of the variants, in proportion to their weights, and
 * goes to its step. The variant holds for the session (entering the step again keeps it; a host
 * page may pass the variable to try one) and each pass is a Variables row, unsealed (which version of the flow a visitor saw says nothing about
 * them), so exports compare variants by its field and conditions.
 */
export const splitModule = defineModule<SplitConfig>({
  id: 'split',
  title: 'A/B split',
  description: 'Sends each participant at random to one of several variants (an A/B test), by weight; the variant is kept for the session and offered to exports.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['variants'],
    properties: {
      variants: listOf('Variants', 'The versions to compare (2 to 10), each leading to its own step.', { min: 2, max: 10 }, {
        required: ['id'],
        properties: {
          id: { title: 'Variant id', description: 'Kept in the variable and exported; lowercase letters, digits, - and _.', type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
          label: { title: 'Name', description: 'What you call it ("Short welcome"), offered beside the id in exports.', type: 'string', minLength: 1, maxLength: 200 },
          weight: { title: 'Weight', description: 'Its share against the others’ (0 to 100): weights 1 and 1 split evenly, 3 and 1 send three in four to the first; 0 pauses it.', type: 'integer', minimum: 0, maximum: 100, default: SPLIT_DEFAULTS.weight },
          next: { ...STEP_REFERENCE, title: 'Go to step', description: 'Where this variant goes; without it, the step’s own next step.' },
        },
      }),
      variable: { ...VARIABLE_NAME, title: 'Variable', description: 'Session variable that gets the variant’s id; it also names the export field.', default: SPLIT_DEFAULTS.variable },
    },
  },
  checkConfig(config, path) {
    const seen = new Set<string>();
    config.variants.forEach((variant, i) => {
      if (seen.has(variant.id)) throw new ConfigError('Two variants have this id', `${path}/variants/${i}/id`);
      seen.add(variant.id);
    });
    if (config.variants.every((variant) => (variant.weight ?? SPLIT_DEFAULTS.weight) === 0)) {
      throw new ConfigError('Give at least one variant a weight above 0', `${path}/variants/0/weight`);
    }
  },
  tables: { variables: { retentionDays: 60, holds: 'Variants shown' } },
  branches: (config) => config.variants.flatMap((variant, i) => (variant.next ? [{ step: variant.next, path: `/variants/${i}/next` }] : [])),
  fields: (config, stepId) => {
    const variable = config.variable ?? SPLIT_DEFAULTS.variable;
    const values = Object.fromEntries(config.variants.map((variant) => [variant.id, variant.label ?? variant.id]));
    return [{ key: variable, label: 'A/B variant', type: 'text', source: { table: 'variables', key: 'variant', personal: false, step: stepId, variable }, values }];
  },
  async handleStep(_input, ctx) {
    const variable = ctx.config.variable ?? SPLIT_DEFAULTS.variable;
    // A variant the session already holds stays: the step entered again, or one a host page passed to try it.
    const held = ctx.config.variants.find((variant) => variant.id === ctx.variables.get(variable));
    const variant = held ?? drawVariant(ctx.config.variants);
    ctx.variables.set(variable, variant.id);
    await ctx.store.write('variables', { data: { variable, step_id: ctx.stepId, variant: variant.id } });
    return { type: 'next', messages: [], ...(variant.next && { next: variant.next }) };
  },
});
