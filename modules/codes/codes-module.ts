import { defineModule, type StepContext, type StepInput, type StepResult } from '../../core/module-contract.js';
import { BOT_TEXT, VARIABLE_NAME } from '../../core/config-schema-parts.js';
import type { BotMessage } from '../../core/chat-protocol.js';
import { interpolate } from '../../core/interpolate.js';
import { normalizeEmail } from '../../core/email-address.js';
import { ConfigError } from '../../core/errors.js';
import type { CodePool } from '../../core/capabilities/code-pool-capability.js';

export interface CodesConfig {
  /** `check`: ask for an access code from the uploaded list; `distribute`: hand out a unique code from the pool. */
  readonly mode: 'check' | 'distribute';
  /** Variable that receives the accepted or handed-out code (default `code`; codes are not personal). */
  readonly variable?: string;
  /** Variable holding the participant's email, to link the stored row to them (default `email`). */
  readonly emailVariable?: string;
  // check mode
  readonly question?: string;
  readonly placeholder?: string;
  /** A code may be used by one session only (claimed atomically). */
  readonly singleUse?: boolean;
  /** Failed checks allowed before the flow ends with `tooManyText`. */
  readonly maxAttempts?: number;
  readonly invalidText?: string;
  readonly usedText?: string;
  readonly tooManyText?: string;
  readonly acceptedText?: string;
  // distribute mode
  /** Shown with the code, e.g. `Your code: {{code}}`. */
  readonly text?: string;
  /** Only sessions where this variable is truthy (e.g. `won`, set by instant win) get a code. */
  readonly requireVariable?: string;
  readonly notEligibleText?: string;
  readonly exhaustedText?: string;
}

export const CODES_DEFAULTS = Object.freeze({
  variable: 'code',
  emailVariable: 'email',
  question: 'Please enter your access code',
  invalidText: 'This code is not valid; please check it and try again',
  usedText: 'This code has already been used',
  tooManyText: 'Too many invalid codes were entered; this conversation ends here',
  text: 'Your code: {{code}}',
  exhaustedText: 'Sorry, all the codes have already been handed out',
});

const CHECK_ONLY = ['question', 'placeholder', 'singleUse', 'maxAttempts', 'invalidText', 'usedText', 'tooManyText', 'acceptedText'] as const;
const DISTRIBUTE_ONLY = ['text', 'requireVariable', 'notEligibleText', 'exhaustedText'] as const;

function textMessages(ctx: StepContext<CodesConfig>, text: string | undefined): BotMessage[] {
  return text ? [{ kind: 'text', text: interpolate(text, ctx.variables.all()) }] : [];
}

function subject(ctx: StepContext<CodesConfig>): string | null {
  return normalizeEmail(ctx.variables.get(ctx.config.emailVariable ?? CODES_DEFAULTS.emailVariable)) ?? null;
}

function codePool(ctx: StepContext<CodesConfig>): CodePool {
  return ctx.capabilities.codePool;
}

/** Check mode: ask, check against the list (claiming single-use codes), let the participant retry. */
async function checkStep(input: StepInput, ctx: StepContext<CodesConfig>): Promise<StepResult> {
  const { config } = ctx;
  const pool = codePool(ctx);
  const tooMany = async () => config.maxAttempts !== undefined && (await pool.failedChecks()) >= config.maxAttempts;
  if (input.kind === 'enter') {
    if (await tooMany()) return { type: 'done', messages: textMessages(ctx, config.tooManyText ?? CODES_DEFAULTS.tooManyText) };
    const question = config.question ?? CODES_DEFAULTS.question;
    return {
      type: 'await',
      messages: textMessages(ctx, question),
      input: { kind: 'text', label: question.slice(0, 200), required: true, maxLength: 64, ...(config.placeholder && { placeholder: config.placeholder }) },
    };
  }
  const entered = typeof input.value === 'string' ? input.value.trim() : '';
  if (entered === '') return { type: 'invalid', error: { code: 'validation_failed', message: 'Please enter your code', path: '/value' } };
  const checked = await pool.check(entered, { singleUse: config.singleUse ?? false });
  if (checked.status === 'valid') {
    ctx.variables.set(config.variable ?? CODES_DEFAULTS.variable, checked.code);
    await ctx.store.write('codes', { data: { pool: ctx.stepId, mode: 'check', result: 'accepted', code: checked.code }, subject: subject(ctx) });
    return { type: 'next', messages: textMessages(ctx, config.acceptedText) };
  }
  const result = checked.status === 'used' ? 'used' : 'invalid';
  await ctx.store.write('codes', { data: { pool: ctx.stepId, mode: 'check', result }, subject: subject(ctx) });
  if (await tooMany()) return { type: 'done', messages: textMessages(ctx, config.tooManyText ?? CODES_DEFAULTS.tooManyText) };
  const message = result === 'used' ? (config.usedText ?? CODES_DEFAULTS.usedText) : (config.invalidText ?? CODES_DEFAULTS.invalidText);
  return { type: 'invalid', error: { code: 'validation_failed', message, path: '/value' } };
}

/** Distribute mode: hand the (eligible) participant a unique code from the pool, or say it ran out. */
async function distributeStep(ctx: StepContext<CodesConfig>): Promise<StepResult> {
  const { config } = ctx;
  if (config.requireVariable && !ctx.variables.get(config.requireVariable)) {
    return { type: 'next', messages: textMessages(ctx, config.notEligibleText) };
  }
  const assigned = await codePool(ctx).assign();
  if (!assigned) return { type: 'next', messages: textMessages(ctx, config.exhaustedText ?? CODES_DEFAULTS.exhaustedText) };
  ctx.variables.set(config.variable ?? CODES_DEFAULTS.variable, assigned.code);
  if (assigned.firstTime) {
    await ctx.store.write('codes', { data: { pool: ctx.stepId, mode: 'distribute', code: assigned.code }, subject: subject(ctx) });
  }
  return { type: 'next', messages: textMessages(ctx, config.text ?? CODES_DEFAULTS.text) };
}

/**
 * Codes from a pool uploaded per flow step (storage/code-pool-repository.ts `addCodes`):
 * check an access code, or hand out unique codes (e.g. to instant-win winners).
 */
export const codesModule = defineModule<CodesConfig>({
  id: 'codes',
  title: 'Codes (access check or distribution)',
  description: 'Checks an access code against an uploaded list, or hands each participant a unique code from it.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['mode'],
    properties: {
      mode: { title: 'Mode', description: 'check: ask for an access code from the uploaded list; distribute: hand each participant a unique code.', type: 'string', enum: ['check', 'distribute'] },
      variable: { ...VARIABLE_NAME, title: 'Variable', description: 'Session variable that receives the code.', default: CODES_DEFAULTS.variable },
      emailVariable: { ...VARIABLE_NAME, title: 'Email variable', description: 'Session variable holding the participant’s email.', default: CODES_DEFAULTS.emailVariable },
      question: { ...BOT_TEXT, title: 'Question', description: 'check mode: what the bot asks.', default: CODES_DEFAULTS.question },
      placeholder: { title: 'Placeholder', description: 'check mode: hint shown in the empty input.', type: 'string', maxLength: 200 },
      singleUse: { title: 'Single use', description: 'check mode: a code can be used by one session only.', default: false, type: 'boolean' },
      maxAttempts: { title: 'Attempts', description: 'check mode: failed checks allowed before the flow ends.', type: 'integer', minimum: 1, maximum: 100 },
      invalidText: { ...BOT_TEXT, title: 'When invalid', description: 'check mode: said for an unknown code.', default: CODES_DEFAULTS.invalidText },
      usedText: { ...BOT_TEXT, title: 'When used', description: 'check mode: said for a code already used.', default: CODES_DEFAULTS.usedText },
      tooManyText: { ...BOT_TEXT, title: 'When too many attempts', description: 'check mode: said (and the flow ends) after too many failed checks.', default: CODES_DEFAULTS.tooManyText },
      acceptedText: { ...BOT_TEXT, title: 'When accepted', description: 'check mode: said for a valid code.' },
      text: { ...BOT_TEXT, title: 'Code message', description: 'distribute mode: shown with the code, e.g. Your code: {{code}}.', default: CODES_DEFAULTS.text },
      requireVariable: { ...VARIABLE_NAME, title: 'Only when', description: 'distribute mode: only sessions where this variable is set (e.g. won, set by instant win) get a code.' },
      notEligibleText: { ...BOT_TEXT, title: 'When not eligible', description: 'distribute mode: said when the variable above is not set.' },
      exhaustedText: { ...BOT_TEXT, title: 'When no code is left', description: 'distribute mode: said when the pool is empty.', default: CODES_DEFAULTS.exhaustedText },
    },
  },
  checkConfig(config, path) {
    const foreign = config.mode === 'check' ? DISTRIBUTE_ONLY : CHECK_ONLY;
    const misplaced = foreign.find((key) => config[key] !== undefined);
    if (misplaced) throw new ConfigError(`This option does not apply to ${config.mode} mode`, `${path}/${misplaced}`);
  },
  tables: { codes: { retentionDays: 60, holds: 'Codes checked or handed out' } },
  // A check asks for the code (or ends the flow after too many tries); a hand-out goes on.
  waits: (config) => config.mode === 'check',
  requiresStorage: true,
  admin: { codePool: true },
  fields: (config) => [
    { key: 'code', label: config.mode === 'check' ? 'Access code' : 'Code handed out', type: 'text', source: { table: 'codes', key: 'code', personal: false } },
  ],
  async handleStep(input, ctx) {
    return ctx.config.mode === 'check' ? checkStep(input, ctx) : distributeStep(ctx);
  },
});
