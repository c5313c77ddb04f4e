import { defineModule } from '../../core/module-contract.js';
import { STEP_REFERENCE, answerVariable, listOf } from '../../core/config-schema-parts.js';
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
  /** Variable that receives the chosen option id (and the Variables table, encrypted, when storage is on). */
  readonly variable?: string;
}

/** Buttons; the chosen one may branch the flow. */
export const choiceModule = defineModule<ChoiceConfig>({
  id: 'choice',
  title: 'Choice',
  description: 'Offers buttons; the chosen option can go to another step and is kept in a variable, stored as an answer.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['options'],
    properties: {
      text: { title: 'Question', description: 'Shown above the buttons; {{variable}} placeholders work.', type: 'string', minLength: 1, maxLength: 4000 },
      variable: answerVariable('the chosen option id; the answer is then stored in Variables (encrypted) and offered to exports.'),
      options: listOf('Options', 'The buttons, in order (1 to 20).', { min: 1, max: 20 }, {
        required: ['id', 'label'],
        properties: {
          id: { title: 'Option id', description: 'Stored in the variable when chosen; lowercase letters, digits, - and _.', type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
          label: { title: 'Button label', description: 'What the button says.', type: 'string', minLength: 1, maxLength: 200 },
          next: { ...STEP_REFERENCE, title: 'Go to step', description: 'The step this option leads to; without it the step’s own next step follows.' },
        },
      }),
    },
  },
  tables: { variables: { retentionDays: 60, holds: 'Answers' } },
  // The chosen option's id, and its button label.
  fields: (config) => {
    const { variable } = config;
    if (!variable) return [];
    const question = (config.text ?? variable).slice(0, 80);
    const source = { table: 'variables', key: variable, personal: true } as const;
    const labels = Object.fromEntries(config.options.map((option) => [option.id, option.label]));
    return [
      { key: variable, label: question, type: 'text', source, values: labels },
      { key: `${variable}_label`, label: `${question} (button label)`, type: 'text', source, labels },
    ];
  },
  branches: (config) => config.options.flatMap((o, i) => (o.next ? [{ step: o.next, path: `/options/${i}/next` }] : [])),
  waits: () => true,
  async handleStep(input, ctx) {
    const options = ctx.config.options.map((o) => ({ id: o.id, label: o.label }));
    if (input.kind === 'enter') {
      const messages = ctx.config.text ? [{ kind: 'text' as const, text: interpolate(ctx.config.text, ctx.variables.all()) }] : [];
      return { type: 'await', messages, input: { kind: 'choice', options } };
    }
    const chosen = ctx.config.options.find((o) => o.id === input.value);
    if (!chosen) return { type: 'invalid', error: { code: 'validation_failed', message: 'Please pick one of the options', path: '/value' } };
    const { variable } = ctx.config;
    if (variable) {
      ctx.variables.set(variable, chosen.id);
      // Sealed like a text answer: what a visitor picks can say as much about them as what they type.
      await ctx.store.write('variables', { data: { variable }, personal: { [variable]: chosen.id } });
    }
    return { type: 'next', messages: [], ...(chosen.next && { next: chosen.next }) };
  },
});
