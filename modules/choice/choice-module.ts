import { defineModule } from '../../core/module-contract.js';
import { interpolate } from '../../core/interpolate.js';

export interface ChoiceOptionConfig {
  readonly id: string;
  readonly label: string;
  /** Step to branch to; without it the step's own `next` applies. */
  readonly next?: string;
}

export interface ChoiceConfig {
  readonly text?: string;
  readonly options: readonly ChoiceOptionConfig[];
  /** Variable that receives the chosen option id. */
  readonly variable?: string;
}

/** Buttons; the chosen one may branch the flow. */
export const choiceModule = defineModule<ChoiceConfig>({
  id: 'choice',
  title: 'Choice',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['options'],
    properties: {
      text: { type: 'string', minLength: 1, maxLength: 4000 },
      variable: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      options: {
        type: 'array',
        minItems: 1,
        maxItems: 20,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'label'],
          properties: {
            id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
            label: { type: 'string', minLength: 1, maxLength: 200 },
            next: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
          },
        },
      },
    },
  },
  tables: {},
  branches: (config) => config.options.flatMap((o) => (o.next ? [o.next] : [])),
  async handleStep(input, ctx) {
    const options = ctx.config.options.map((o) => ({ id: o.id, label: o.label }));
    if (input.kind === 'enter') {
      const messages = ctx.config.text ? [{ kind: 'text' as const, text: interpolate(ctx.config.text, ctx.variables.all()) }] : [];
      return { type: 'await', messages, input: { kind: 'choice', options } };
    }
    const chosen = ctx.config.options.find((o) => o.id === input.value);
    if (!chosen) return { type: 'invalid', error: { code: 'validation_failed', message: 'Please pick one of the options', path: '/value' } };
    if (ctx.config.variable) ctx.variables.set(ctx.config.variable, chosen.id);
    return { type: 'next', messages: [], ...(chosen.next && { next: chosen.next }) };
  },
});
