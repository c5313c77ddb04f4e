import { defineModule, type CollectedField, type StepContext, type StepResult } from '../../core/module-contract.js';
import { OPT_IN_LEVEL_NAMES } from '../../core/opt-in-levels.js';
import type { BotMessage } from '../../core/chat-protocol.js';
import { ConfigError, ParleyError } from '../../core/errors.js';
import { interpolate } from '../../core/interpolate.js';
import { normalizeEmail } from '../../core/email-address.js';
import type { ConsentCapability } from '../../core/capabilities/consent-capability.js';
import {
  checkConsentConfig,
  consentConfigSchema,
  DEFAULT_CONFIRM_SUBJECT,
  DEFAULT_CONFIRM_TEXT,
  DEFAULT_PENDING_TEXT,
  type ConsentConfig,
} from './consent-config.js';
import { consentTextHash, parseConsentReply } from './consent-reply.js';

/** Session variable (non-personal) that receives 0 (declined) or 1 (accepted). */
export const OPT_IN_VARIABLE = 'is_optin';

function consentCapability(capabilities: StepContext<unknown>['capabilities']): ConsentCapability {
  return capabilities.consent;
}

function invalid(message: string): StepResult {
  return { type: 'invalid', error: { code: 'validation_failed', message, path: '/value' } };
}

/** Records the answer; with double opt-in, an accepted consent also gets a confirmation mail queued. */
async function record(accepted: boolean, ctx: StepContext<ConsentConfig>): Promise<StepResult> {
  const { config } = ctx;
  const variables = ctx.variables.all();
  const level = accepted ? 1 : 0;
  ctx.variables.set(OPT_IN_VARIABLE, level);
  const email = normalizeEmail(ctx.variables.get(config.emailVariable ?? 'email'));
  const wantsConfirmation = accepted && config.doubleOptIn === true;
  const written = await ctx.store.write('consents', {
    data: {
      is_optin: level,
      label_hash: consentTextHash(config.label, config.termsUrl),
      terms_url: config.termsUrl ?? null,
      step_id: ctx.stepId,
      double_opt_in: wantsConfirmation && email !== undefined,
    },
    personal: email ? { email } : null,
    subject: email ?? null,
    event: accepted ? 'consent.given' : 'consent.declined',
  });
  const say = (text: string | undefined): BotMessage[] => (text ? [{ kind: 'text', text: interpolate(text, variables) }] : []);
  if (!accepted) return { type: 'next', messages: say(config.declinedText) };
  if (!wantsConfirmation) return { type: 'next', messages: say(config.acceptedText) };
  if (!written.stored || !email) {
    await ctx.log('consent_confirmation_skipped', { reason: written.stored ? 'no_email' : 'storage_disabled' });
    return { type: 'next', messages: say(config.acceptedText) };
  }
  await consentCapability(ctx.capabilities).requestConfirmation({
    consentId: written.id,
    subject: interpolate(config.confirmSubject ?? DEFAULT_CONFIRM_SUBJECT, variables),
    text: interpolate(config.confirmText ?? DEFAULT_CONFIRM_TEXT, { ...variables, link: '{{link}}', withdraw_link: '{{withdraw_link}}' }),
  });
  return { type: 'next', messages: [...say(config.acceptedText), ...say(config.pendingText ?? DEFAULT_PENDING_TEXT)] };
}

/**
 * A consent checkbox. Stores a `consents` row with `is_optin` 0 (declined) or 1 (accepted) and
 * proof of the wording; with double opt-in, a link sent by email raises it to 2 when clicked.
 */
export const consentModule = defineModule<ConsentConfig>({
  id: 'consent',
  title: 'Consent',
  description: 'Asks for consent with a checkbox, optionally confirmed by email (double opt-in), and records the answer.',
  configSchema: consentConfigSchema,
  checkConfig: checkConsentConfig,
  // Proof of consent is kept for three years by default (workspaces may shorten it).
  tables: { consents: { retentionDays: 1095, holds: 'Consent answers and confirmations' } },
  waits: () => true,
  // The latest answer of any consent step, and this step's own (a flow may ask for two consents).
  fields: (config, stepId) => {
    // A consents value (`stored`) as the latest of any step, and as this step's own.
    const both = (stored: string, type: CollectedField['type'], label: (own: string) => string, values?: CollectedField['values']): CollectedField[] => [
      { key: stored, label: label(''), type, source: { table: 'consents', key: stored, personal: false }, ...(values && { values }) },
      { key: `${stepId}.${stored}`, label: label(` to “${config.label.slice(0, 60)}”`), type, source: { table: 'consents', key: stored, personal: false, step: stepId }, ...(values && { values }) },
    ];
    return [
      ...both('is_optin', 'number', (own) => `Opt-in${own} (0 declined, 1 accepted, 2 confirmed)`, OPT_IN_LEVEL_NAMES),
      ...(config.doubleOptIn ? both('confirmed_at', 'datetime', (own) => `Opt-in${own} confirmed at`) : []),
      ...both('withdrawn_at', 'datetime', (own) => `Opt-in${own} withdrawn at`),
    ];
  },
  async onFlowSaved(ctx) {
    if (!ctx.config.doubleOptIn) return;
    const capability = consentCapability(ctx.capabilities);
    const path = `${capability.configPath}/doubleOptIn`;
    if (!capability.storageEnabled) {
      throw new ParleyError('storage_disabled', 'Double opt-in needs storage, which is switched off for the workspace', { path });
    }
    if (!(await capability.mailConfigured())) throw new ConfigError('Double opt-in needs the workspace mail (SMTP) settings', path);
  },
  async handleStep(input, ctx) {
    const { config } = ctx;
    if (input.kind === 'enter') {
      return {
        type: 'await',
        messages: [],
        input: {
          kind: 'consent',
          label: interpolate(config.label, ctx.variables.all()),
          ...(config.termsUrl !== undefined && { termsUrl: config.termsUrl }),
          ...(config.termsLabel !== undefined && { termsLabel: config.termsLabel }),
          required: config.required === true,
        },
      };
    }
    const accepted = parseConsentReply(input.value);
    if (accepted === undefined) return invalid('Please accept or decline');
    if (!accepted && config.required) return invalid('You need to accept to continue');
    return record(accepted, ctx);
  },
});
