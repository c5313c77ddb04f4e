import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import type { ParleyError } from '../../core/errors.js';
import type { FlowLifecycleContext } from '../../core/module-contract.js';
import type { ConsentCapability } from '../../core/capabilities/consent-capability.js';
import { consentModule } from './consent-module.js';
import { checkConsentConfig, DEFAULT_PENDING_TEXT, type ConsentConfig } from './consent-config.js';
import { consentTextHash, parseConsentReply } from './consent-reply.js';
import { fakeCapabilities } from '../../test/support/fake-capabilities.js';
import { fakeStep as sharedFakeStep } from '../../test/support/fake-step.js';

const flow = { id: 'f', slug: 'news', hashId: 'h', name: 'News', opensAt: null, closesAt: null };

/** The shared step context (test/support/fake-step.ts) with a consent capability that records confirmation requests. */
function fakeStep(config: ConsentConfig, options: { email?: string; storageEnabled?: boolean } = {}) {
  const storageEnabled = options.storageEnabled ?? true;
  const requests: Array<{ consentId: string; subject: string; text: string }> = [];
  const capability: ConsentCapability = {
    storageEnabled,
    configPath: '/steps/1/config',
    mailConfigured: async () => true,
    requestConfirmation: async (request) => void requests.push(request),
  };
  const variables: Record<string, string> = options.email ? { email: options.email, first: 'Ann' } : { first: 'Ann' };
  return { ...sharedFakeStep(config, { stepId: 'optin', flow, variables, storageEnabled, capabilities: { consent: capability } }), requests };
}

function lifecycle(config: ConsentConfig, capability: Partial<ConsentCapability>): FlowLifecycleContext<ConsentConfig> {
  const full: ConsentCapability = { storageEnabled: true, configPath: '/steps/4/config', mailConfigured: async () => true, requestConfirmation: async () => {}, ...capability };
  return { config, stepId: 'optin', workspace: { id: 'w', timeZone: 'UTC' }, flow, clock: new ManualClock(), capabilities: fakeCapabilities({ consent: full }) };
}

const base: ConsentConfig = { label: 'Send me news', termsUrl: 'https://brand.example/terms' };

describe('consent replies', () => {
  it('accepts booleans and their string forms only', () => {
    expect([true, 'true', false, 'false'].map(parseConsentReply)).toEqual([true, true, false, false]);
    expect(['yes', 'TRUE', ' true', '1', ''].map(parseConsentReply)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('hashes the exact wording: label and terms URL both count', () => {
    const hash = consentTextHash('Send me news', 'https://brand.example/terms');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(consentTextHash('Send me news', 'https://brand.example/terms')).toBe(hash);
    expect(consentTextHash('Send me news!', 'https://brand.example/terms')).not.toBe(hash);
    expect(consentTextHash('Send me news', undefined)).not.toBe(hash);
  });

  it('refuses a confirmation text without {{link}}, at its path', () => {
    expect(() => checkConsentConfig({ ...base, confirmText: 'Click {{ link }}' }, '/steps/0/config')).not.toThrow();
    const error = (() => {
      try {
        checkConsentConfig({ ...base, confirmText: 'Click here' }, '/steps/0/config');
      } catch (e) {
        return e as ParleyError;
      }
    })();
    expect([error?.code, error?.path]).toEqual(['config_invalid', '/steps/0/config/confirmText']);
  });
});

describe('consent step', () => {
  it('asks with a consent input carrying label, terms and whether it is required', async () => {
    const { ctx } = fakeStep({ ...base, termsLabel: 'Terms', required: true });
    expect(await consentModule.handleStep({ kind: 'enter' }, ctx)).toEqual({
      type: 'await',
      messages: [],
      input: { kind: 'consent', label: 'Send me news', termsUrl: 'https://brand.example/terms', termsLabel: 'Terms', required: true },
    });
  });

  it('records a decline as 0 with proof of the wording, and the email as personal data', async () => {
    const { ctx, writes, variables } = fakeStep({ ...base, declinedText: 'OK {{first}}' }, { email: 'Ann@Example.org' });
    expect(await consentModule.handleStep({ kind: 'reply', value: false }, ctx)).toEqual({ type: 'next', messages: [{ kind: 'text', text: 'OK Ann' }] });
    expect(writes).toEqual([
      {
        table: 'consents',
        row: {
          data: { is_optin: 0, label_hash: consentTextHash(base.label, base.termsUrl), terms_url: base.termsUrl, step_id: 'optin', double_opt_in: false },
          personal: { email: 'ann@example.org' },
          subject: 'ann@example.org',
          event: 'consent.declined',
        },
      },
    ]);
    expect(variables.is_optin).toBe(0);
  });

  it('refuses anything but a boolean, and a decline when required', async () => {
    const { ctx, writes } = fakeStep({ ...base, required: true });
    expect(await consentModule.handleStep({ kind: 'reply', value: 'maybe' }, ctx)).toMatchObject({ type: 'invalid', error: { message: 'Please accept or decline' } });
    expect(await consentModule.handleStep({ kind: 'reply', value: 'false' }, ctx)).toMatchObject({ type: 'invalid', error: { message: 'You need to accept to continue' } });
    expect(writes).toEqual([]);
  });

  it('with double opt-in, requests a confirmation whose text keeps {{link}} for the mail job', async () => {
    const config = { ...base, doubleOptIn: true, confirmSubject: 'Confirm, {{first}}', confirmText: 'Hi {{email}}: {{ link }}', acceptedText: 'Thanks' };
    const { ctx, requests, variables } = fakeStep(config, { email: 'ann@example.org' });
    const result = await consentModule.handleStep({ kind: 'reply', value: 'true' }, ctx);
    expect(result).toEqual({ type: 'next', messages: [{ kind: 'text', text: 'Thanks' }, { kind: 'text', text: DEFAULT_PENDING_TEXT }] });
    expect(requests).toEqual([{ consentId: 'row-1', subject: 'Confirm, Ann', text: 'Hi ann@example.org: {{link}}' }]);
    expect(variables.is_optin).toBe(1);
  });

  it('without an email or with storage off, accepts without a confirmation and logs why', async () => {
    for (const [options, reason] of [[{}, 'no email'], [{ email: 'ann@example.org', storageEnabled: false }, 'storage off']] as const) {
      const { ctx, requests, events, writes } = fakeStep({ ...base, doubleOptIn: true, acceptedText: 'Thanks' }, options);
      expect(await consentModule.handleStep({ kind: 'reply', value: true }, ctx), reason).toEqual({ type: 'next', messages: [{ kind: 'text', text: 'Thanks' }] });
      expect(requests, reason).toEqual([]);
      expect(events, reason).toEqual(['consent_confirmation_skipped']);
      expect(writes[0]!.row, reason).toMatchObject({ data: { is_optin: 1 }, event: 'consent.given' });
    }
  });
});

describe('consent flow save', () => {
  const refusal = async (ctx: FlowLifecycleContext<ConsentConfig>) => {
    const error = (await consentModule.onFlowSaved!(ctx).then(() => undefined, (e: ParleyError) => e)) as ParleyError | undefined;
    return error && [error.code, error.path];
  };

  it('lets double opt-in through only with storage and mail settings, pointing at doubleOptIn', async () => {
    const config = { ...base, doubleOptIn: true };
    expect(await refusal(lifecycle(config, {}))).toBeUndefined();
    expect(await refusal(lifecycle(config, { mailConfigured: async () => false }))).toEqual(['config_invalid', '/steps/4/config/doubleOptIn']);
    expect(await refusal(lifecycle(config, { storageEnabled: false }))).toEqual(['storage_disabled', '/steps/4/config/doubleOptIn']);
    expect(await refusal(lifecycle(base, { storageEnabled: false, mailConfigured: async () => false }))).toBeUndefined();
  });
});
