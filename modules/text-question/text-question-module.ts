import { defineModule } from '../../core/module-contract.js';
import { interpolate } from '../../core/interpolate.js';
import { ConfigError } from '../../core/errors.js';

export interface TextQuestionConfig {
  readonly question: string;
  /** Variable that receives the answer (personal: encrypted at rest). */
  readonly variable: string;
  readonly required?: boolean;
  readonly maxLength?: number;
  /** A regular expression the whole answer must match. */
  readonly pattern?: string;
  /** Shown when the pattern does not match. */
  readonly patternMessage?: string;
  readonly placeholder?: string;
}

const DEFAULT_MAX = 500;

/** A free text field whose answer goes into a variable (and the variables table). */
export const textQuestionModule = defineModule<TextQuestionConfig>({
  id: 'text-question',
  title: 'Text question',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['question', 'variable'],
    properties: {
      question: { type: 'string', minLength: 1, maxLength: 4000 },
      variable: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' },
      required: { type: 'boolean' },
      maxLength: { type: 'integer', minimum: 1, maximum: 10000 },
      pattern: { type: 'string', minLength: 1, maxLength: 500 },
      patternMessage: { type: 'string', minLength: 1, maxLength: 200 },
      placeholder: { type: 'string', maxLength: 200 },
    },
  },
  checkConfig(config, path) {
    if (config.pattern === undefined) return;
    try {
      new RegExp(config.pattern, 'u');
    } catch {
      throw new ConfigError('Pattern is not a valid regular expression', `${path}/pattern`);
    }
  },
  tables: { variables: { retentionDays: 60 } },
  fields: (config) => [{ key: config.variable, label: config.question.slice(0, 80), type: 'text', source: { table: 'variables', key: config.variable, personal: true } }],
  async handleStep(input, ctx) {
    const { config } = ctx;
    const required = config.required ?? true;
    const maxLength = config.maxLength ?? DEFAULT_MAX;
    if (input.kind === 'enter') {
      return {
        type: 'await',
        messages: [{ kind: 'text', text: interpolate(config.question, ctx.variables.all()) }],
        input: { kind: 'text', label: config.question.slice(0, 200), required, maxLength, ...(config.placeholder && { placeholder: config.placeholder }) },
      };
    }
    const answer = typeof input.value === 'string' ? input.value.trim() : '';
    if (required && answer === '') return { type: 'invalid', error: { code: 'validation_failed', message: 'An answer is required', path: '/value' } };
    if ([...answer].length > maxLength) {
      return { type: 'invalid', error: { code: 'validation_failed', message: `At most ${maxLength} characters`, path: '/value' } };
    }
    if (config.pattern && answer !== '' && !new RegExp(`^(?:${config.pattern})$`, 'u').test(answer)) {
      return { type: 'invalid', error: { code: 'validation_failed', message: config.patternMessage ?? 'This answer is not in the expected format', path: '/value' } };
    }
    ctx.variables.set(config.variable, answer, { personal: true });
    await ctx.store.write('variables', { data: { variable: config.variable }, personal: { [config.variable]: answer } });
    return { type: 'next', messages: [] };
  },
});
