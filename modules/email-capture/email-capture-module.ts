import { defineModule } from '../../core/module-contract.js';
import { QUESTION, answerVariable } from '../../core/config-schema-parts.js';
import { interpolate } from '../../core/interpolate.js';
import { normalizeEmail } from '../../core/email-address.js';
import { termsLinkSchemaProperties } from '../../core/terms-link.js';

export interface EmailCaptureConfig {
  readonly question: string;
  /** Variable that receives the normalized email (default `email`). */
  readonly variable?: string;
  readonly placeholder?: string;
  /** Shown under the field: what the address is used for; `{{variable}}` placeholders work. */
  readonly notice?: string;
  /** An http(s) link to the full terms (privacy policy), shown under the field. */
  readonly termsUrl?: string;
  readonly termsLabel?: string;
}

/** Asks for an email, validates and normalizes it, keeps it in a variable (encrypted at rest). */
export const emailCaptureModule = defineModule<EmailCaptureConfig>({
  id: 'email-capture',
  title: 'Email capture',
  description: 'Asks for an email address, checks and normalizes it, and keeps it in a variable.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['question'],
    properties: {
      question: QUESTION,
      variable: { ...answerVariable('the normalized email (personal: encrypted at rest, stored in Variables).'), default: 'email' },
      placeholder: { title: 'Placeholder', description: 'Hint shown in the empty input.', type: 'string', maxLength: 200 },
      notice: { title: 'Notice', description: 'Shown under the field: what the address is used for and how long it is kept; {{variable}} placeholders work.', type: 'string', minLength: 1, maxLength: 1000 },
      ...termsLinkSchemaProperties('your privacy policy or terms, shown under the field'),
    },
  },
  tables: { variables: { retentionDays: 60, holds: 'Email addresses' } },
  waits: () => true,
  fields: (config) => [{ key: config.variable ?? 'email', label: 'Email', type: 'text', source: { table: 'variables', key: config.variable ?? 'email', personal: true } }],
  async handleStep(input, ctx) {
    const variable = ctx.config.variable ?? 'email';
    if (input.kind === 'enter') {
      return {
        type: 'await',
        messages: [{ kind: 'text', text: interpolate(ctx.config.question, ctx.variables.all()) }],
        input: {
          kind: 'email',
          label: 'Email',
          placeholder: ctx.config.placeholder ?? 'you@example.com',
          ...(ctx.config.notice !== undefined && { notice: interpolate(ctx.config.notice, ctx.variables.all()) }),
          ...(ctx.config.termsUrl !== undefined && { termsUrl: ctx.config.termsUrl }),
          ...(ctx.config.termsLabel !== undefined && { termsLabel: ctx.config.termsLabel }),
        },
      };
    }
    const email = normalizeEmail(input.value);
    if (!email) return { type: 'invalid', error: { code: 'validation_failed', message: 'Please enter a valid email address', path: '/value' } };
    ctx.variables.set(variable, email, { personal: true });
    await ctx.store.write('variables', { data: { variable }, personal: { [variable]: email }, subject: email });
    return { type: 'next', messages: [] };
  },
});
