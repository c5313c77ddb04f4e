import { describe, expect, it } from 'vitest';
import { fakeStep } from '../../test/support/fake-step.js';
import { configRefusal } from '../../test/support/config-refusal.js';
import { conditionModule, type ConditionConfig } from './condition-module.js';
import { passes, type Comparison } from './condition-comparisons.js';

async function route(config: ConditionConfig, variables: Record<string, string | number | boolean>) {
  const step = fakeStep(config, { stepId: 'route', variables });
  return { result: await conditionModule.handleStep({ kind: 'enter' }, step.ctx), step };
}

describe('condition comparisons', () => {
  const check = (comparison: Comparison, value: string | undefined, held: string | number | boolean | undefined) =>
    passes({ variable: 'v', comparison, ...(value !== undefined && { value }) }, held);

  it('compares text without regard to case or surrounding spaces, and numbers as numbers', () => {
    expect(check('equals', 'facebook', ' Facebook ')).toBe(true);
    expect(check('equals', 'facebook', 'facebook-ads')).toBe(false);
    expect(check('equals', '7', 7)).toBe(true);
    expect(check('equals', '7.0', '7')).toBe(true);
    expect(check('equals', 'true', true)).toBe(true);
    expect(check('not_equals', 'facebook', 'Newsletter')).toBe(true);
    expect(check('not_equals', 'facebook', 'FACEBOOK')).toBe(false);
    expect(check('contains', 'SPRING', 'summer-spring-sale')).toBe(true);
    expect(check('not_contains', 'spring', 'summer-sale')).toBe(true);
    expect(check('starts_with', 'news', 'Newsletter')).toBe(true);
    expect(check('ends_with', '@acme.com', 'Ann@ACME.com')).toBe(true);
    expect(check('ends_with', '@acme.com', 'ann@acme.com.evil.example')).toBe(false);
  });

  it('orders numbers, and dates written YYYY-MM-DD, never one against the other', () => {
    expect(check('greater_than', '7', '8')).toBe(true);
    expect(check('greater_than', '7', '10')).toBe(true); // as numbers, not as text
    expect(check('less_than', '7', 6.5)).toBe(true);
    expect(check('less_than', '7', 7)).toBe(false);
    expect(check('less_than', '2008-12-04', '1990-05-01')).toBe(true);
    expect(check('greater_than', '2008-12-04', '2010-01-01')).toBe(true);
    expect(check('greater_than', '7', 'seven')).toBe(false);
    expect(check('less_than', '7', 'seven')).toBe(false);
    expect(check('greater_than', '7', '2010-01-01')).toBe(false);
  });

  it('treats a variable that is not set, or empty, as unset: only the negative tests pass', () => {
    for (const held of [undefined, '', '   ']) {
      expect(check('is_set', undefined, held)).toBe(false);
      expect(check('is_not_set', undefined, held)).toBe(true);
      expect(check('not_equals', 'x', held)).toBe(true);
      expect(check('not_contains', 'x', held)).toBe(true);
      for (const comparison of ['equals', 'contains', 'starts_with', 'ends_with', 'greater_than', 'less_than'] as const) expect(check(comparison, '1', held)).toBe(false);
    }
    expect(check('is_set', undefined, 0)).toBe(true);
    expect(check('is_set', undefined, false)).toBe(true);
  });
});

describe('condition module', () => {
  const config: ConditionConfig = {
    rules: [
      { when: [{ variable: 'utm_source', comparison: 'equals', value: 'facebook' }, { variable: 'plan', comparison: 'equals', value: 'pro' }], next: 'fb-pro' },
      { when: [{ variable: 'utm_source', comparison: 'equals', value: 'facebook' }, { variable: 'quiz_score', comparison: 'greater_than', value: '3' }], match: 'any', next: 'fb-or-good' },
      { when: [{ variable: 'email', comparison: 'ends_with', value: '@acme.com' }] },
    ],
  };

  it('goes where the first rule that holds leads, all of its tests or any of them as it says', async () => {
    expect((await route(config, { utm_source: 'Facebook', plan: 'pro' })).result).toEqual({ type: 'next', messages: [], next: 'fb-pro' });
    expect((await route(config, { utm_source: 'facebook', plan: 'free' })).result).toEqual({ type: 'next', messages: [], next: 'fb-or-good' });
    expect((await route(config, { utm_source: 'newsletter', quiz_score: 4 })).result).toEqual({ type: 'next', messages: [], next: 'fb-or-good' });
  });

  it("goes on to the step's own next step when no rule holds, or when the rule that holds names none", async () => {
    expect((await route(config, { utm_source: 'newsletter', quiz_score: 2 })).result).toEqual({ type: 'next', messages: [] });
    expect((await route(config, {})).result).toEqual({ type: 'next', messages: [] });
    expect((await route(config, { email: 'ann@acme.com', quiz_score: 5 })).result).toEqual({ type: 'next', messages: [], next: 'fb-or-good' });
    expect((await route({ rules: [config.rules[2]!, config.rules[0]!] }, { email: 'ann@acme.com', utm_source: 'facebook', plan: 'pro' })).result).toEqual({ type: 'next', messages: [] });
  });

  it('says nothing, sets nothing and stores nothing', async () => {
    const { step } = await route(config, { utm_source: 'facebook', plan: 'pro' });
    expect(step.writes).toEqual([]);
    expect(step.events).toEqual([]);
    expect(step.variables).toEqual({ utm_source: 'facebook', plan: 'pro' });
    expect(conditionModule.tables).toEqual({});
  });

  it('names each rule that leads somewhere as a branch, with the field that names it', () => {
    expect(conditionModule.branches!(config)).toEqual([{ step: 'fb-pro', path: '/rules/0/next' }, { step: 'fb-or-good', path: '/rules/1/next' }]);
    expect(conditionModule.waits).toBeUndefined();
  });

  it('reads what the handshake showed of the visitor: country, language, device, platform, browser, page', async () => {
    const facts: ConditionConfig = {
      rules: [
        { when: [{ fact: 'device', comparison: 'equals', value: 'mobile' }, { fact: 'country', comparison: 'equals', value: 'fr' }], next: 'fr-mobile' },
        { when: [{ fact: 'language', comparison: 'starts_with', value: 'de' }], next: 'german' },
        { when: [{ fact: 'page', comparison: 'contains', value: '/promo' }, { fact: 'platform', comparison: 'equals', value: 'ios' }], match: 'any', next: 'promo' },
        { when: [{ fact: 'browser', comparison: 'is_not_set' }], next: 'unknown' },
      ],
    };
    const enter = async (options: Parameters<typeof fakeStep>[1]) => conditionModule.handleStep({ kind: 'enter' }, fakeStep(facts, options).ctx);
    expect(await enter({ country: 'FR', device: { mobile: true, browser: 'Safari', platform: 'iOS' } })).toMatchObject({ next: 'fr-mobile' });
    expect(await enter({ country: 'FR', device: { mobile: false, browser: 'Firefox', language: 'de-CH' } })).toMatchObject({ next: 'german' });
    expect(await enter({ device: { browser: 'Chrome', originUrl: 'https://shop.example/fr/promo' } })).toMatchObject({ next: 'promo' });
    expect(await enter({ device: { browser: 'Safari', platform: 'iOS' } })).toMatchObject({ next: 'promo' });
    expect(await enter({})).toMatchObject({ next: 'unknown' });
    expect(await enter({ device: { browser: 'Chrome', platform: 'Windows' } })).toEqual({ type: 'next', messages: [] });
  });

  it('refuses a missing value, a value where none is taken and an order against what is not a number or a date, with the path of the value', () => {
    const one = (test: ConditionConfig['rules'][number]['when'][number]) => configRefusal(conditionModule, { rules: [config.rules[0]!, { when: [config.rules[0]!.when[0]!, test] }] }, '/steps/2/config');
    expect(one({ variable: 'plan', comparison: 'equals' })).toEqual(['This comparison needs a value', '/steps/2/config/rules/1/when/1/value']);
    expect(one({ variable: 'plan', comparison: 'is_set', value: 'pro' })).toEqual(['"is set" and "is not set" take no value: leave the value empty', '/steps/2/config/rules/1/when/1/value']);
    expect(one({ variable: 'age', comparison: 'greater_than', value: 'eighteen' })).toEqual([
      'Greater and less than compare numbers or dates: write a number (18) or a date (2026-05-01)',
      '/steps/2/config/rules/1/when/1/value',
    ]);
    expect(one({ variable: 'age', comparison: 'less_than', value: '18' })).toBeUndefined();
    expect(one({ variable: 'born', comparison: 'less_than', value: '2008-12-04' })).toBeUndefined();
    expect(one({ variable: 'plan', comparison: 'is_not_set' })).toBeUndefined();
    expect(one({ comparison: 'is_set' })).toEqual(['Name either a variable or a visitor fact', '/steps/2/config/rules/1/when/1/variable']);
    expect(one({ variable: 'plan', fact: 'country', comparison: 'is_set' })).toEqual(['Name either a variable or a visitor fact', '/steps/2/config/rules/1/when/1/variable']);
    expect(one({ fact: 'country', comparison: 'equals', value: 'FR' })).toBeUndefined();
  });
});
