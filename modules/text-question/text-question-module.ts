import { defineModule, namedBranches } from '../../core/module-contract.js';
import { QUESTION, STEP_REFERENCE, answerVariable } from '../../core/config-schema-parts.js';
import { interpolate } from '../../core/interpolate.js';
import { ConfigError } from '../../core/errors.js';
import { ANSWER_FORMATS, ageOn, dateIn, isPhoneCountry, readDate, readPhone, type AnswerFormat, type ReadAnswer } from './answer-formats.js';

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
  /** Free text (default), a phone number (kept as +33612345678) or a date (kept as YYYY-MM-DD). */
  readonly format?: AnswerFormat;
  /** For phone numbers written without their country code: the country whose numbering plan reads them (`FR`); else the participant's, when known. */
  readonly country?: string;
  /** For a date (a birth date): the age a participant must have reached; younger ones are not kept and go to `tooYoungNext`, or the flow ends. */
  readonly minAge?: number;
  readonly tooYoungText?: string;
  readonly tooYoungNext?: string;
}

export const TOO_YOUNG_TEXT = 'Sorry, you must be {{minAge}} or older to take part.';

const DEFAULT_MAX = 500;

/** The country whose numbering plan reads a number written without its code: the step's, else the participant's when it has phone numbers. */
function phoneCountry(config: TextQuestionConfig, participant: string | undefined): string | undefined {
  return config.country ?? (participant !== undefined && isPhoneCountry(participant) ? participant : undefined);
}

/** A free text field (or a phone number, or a date) whose answer goes into a variable (and the variables table). */
export const textQuestionModule = defineModule<TextQuestionConfig>({
  id: 'text-question',
  title: 'Text question',
  description: 'Asks a free-text question (or a phone number, or a date such as a birth date with a minimum age) and keeps the answer in a variable.',
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
      format: {
        title: 'Answer format',
        description: 'Free text; a phone number (checked, kept as +33612345678; the phone filters apply in exports); or a date (a date field, kept as YYYY-MM-DD; the date and age filters apply).',
        type: 'string',
        enum: ANSWER_FORMATS,
        default: 'text',
      },
      country: { title: 'Phone country', description: 'Reads numbers written without a country code (06 12 34 56 78) as this country’s (ISO code, FR); without it, as the participant’s country when the browser’s language or the CDN tells it, else a number needs its +country code.', type: 'string', pattern: '^[A-Z]{2}$' },
      minAge: { title: 'Minimum age', description: 'For a birth date: participants younger than this (in the workspace’s time zone, today) are turned away and their date is not kept.', type: 'integer', minimum: 1, maximum: 120 },
      tooYoungText: { title: 'When too young', description: 'Said to a participant under the minimum age; {{minAge}} is filled in.', type: 'string', minLength: 1, maxLength: 4000, default: TOO_YOUNG_TEXT },
      tooYoungNext: { title: 'When too young, go to step', description: 'A step for participants under the minimum age; without it the flow ends there.', ...STEP_REFERENCE },
    },
  },
  branches: (config) => namedBranches(config, ['tooYoungNext']),
  waits: () => true,
  checkConfig(config, path) {
    const format = config.format ?? 'text';
    if (format !== 'phone' && config.country !== undefined) throw new ConfigError('A phone country applies to phone numbers only', `${path}/country`);
    if (format === 'phone' && config.country !== undefined && !isPhoneCountry(config.country)) throw new ConfigError('Not a country with phone numbers', `${path}/country`);
    if (format !== 'date' && (config.minAge !== undefined || config.tooYoungNext !== undefined)) {
      throw new ConfigError('A minimum age applies to dates (birth dates) only', `${path}/${config.minAge !== undefined ? 'minAge' : 'tooYoungNext'}`);
    }
    if (format !== 'text' && config.pattern !== undefined) throw new ConfigError('A pattern applies to free text only', `${path}/pattern`);
    if (config.pattern === undefined) return;
    try {
      new RegExp(config.pattern, 'u');
    } catch {
      throw new ConfigError('Pattern is not a valid regular expression', `${path}/pattern`);
    }
  },
  tables: { variables: { retentionDays: 60, holds: 'Answers' } },
  fields: (config) => [{ key: config.variable, label: config.question.slice(0, 80), type: config.format === 'date' ? 'date' : 'text', source: { table: 'variables', key: config.variable, personal: true } }],
  async handleStep(input, ctx) {
    const { config } = ctx;
    const required = config.required ?? true;
    const maxLength = config.maxLength ?? DEFAULT_MAX;
    if (input.kind === 'enter') {
      return {
        type: 'await',
        messages: [{ kind: 'text', text: interpolate(config.question, ctx.variables.all()) }],
        input: {
          kind: 'text',
          label: config.question.slice(0, 200),
          required,
          maxLength,
          ...(config.placeholder && { placeholder: config.placeholder }),
          ...(config.format === 'phone' && { format: 'phone' as const }),
          ...(config.format === 'date' && { format: 'date' as const, max: dateIn(ctx.workspace.timeZone, ctx.clock.now()), ...(config.minAge !== undefined && { birthDate: true }) }),
        },
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
    let kept = answer;
    if (answer !== '' && config.format !== undefined && config.format !== 'text') {
      const today = dateIn(ctx.workspace.timeZone, ctx.clock.now());
      const read: ReadAnswer = config.format === 'phone' ? readPhone(answer, phoneCountry(config, ctx.session.country)) : readDate(answer, today);
      if (!read.ok) return { type: 'invalid', error: { code: 'validation_failed', message: read.message, path: '/value' } };
      kept = read.value;
      if (config.minAge !== undefined && ageOn(kept, today) < config.minAge) {
        // Turned away: the date of someone too young is neither kept nor stored.
        await ctx.log('age_refused', { minAge: config.minAge });
        const messages = [{ kind: 'text' as const, text: interpolate(config.tooYoungText ?? TOO_YOUNG_TEXT, { ...ctx.variables.all(), minAge: config.minAge }) }];
        return config.tooYoungNext ? { type: 'next', messages, next: config.tooYoungNext } : { type: 'done', messages };
      }
    }
    ctx.variables.set(config.variable, kept, { personal: true });
    await ctx.store.write('variables', { data: { variable: config.variable }, personal: { [config.variable]: kept } });
    return { type: 'next', messages: [] };
  },
});
