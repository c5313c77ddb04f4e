import { defineModule } from '../../core/module-contract.js';
import { QUESTION, answerVariable } from '../../core/config-schema-parts.js';
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
  description: 'Asks a free-text question and keeps the answer in a variable.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['question', 'variable'],
    properties: {
      question: QUESTION,
      variable: answerVariable('the answer (personal: encrypted at rest, stored in Variables).'),
      required: { title: 'Answer required', description: 'When off, the participant may skip the question.', default: true, type: 'boolean' },
      maxLength: { title: 'Longest answer', description: 'Characters at most.', default: 500, type: 'integer', minimum: 1, maximum: 10000 },
      pattern: { title: 'Pattern', description: 'A regular expression the whole answer must match.', type: 'string', minLength: 1, maxLength: 500 },
      patternMessage: { title: 'Pattern message', description: 'Shown when the answer does not match the pattern.', type: 'string', minLength: 1, maxLength: 200 },
      placeholder: { title: 'Placeholder', description: 'Hint shown in the empty input.', type: 'string', maxLength: 200 },
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
  tables: { variables: { retentionDays: 60, holds: 'Answers' } },
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
