import { describe, expect, it } from 'vitest';
import type { ModuleWrite, StepContext, StepResult } from '../../core/module-contract.js';
import type { CodePool } from '../../core/capabilities/code-pool-capability.js';
import { ModuleRegistry } from '../../core/module-registry.js';
import { normalizeCode } from '../../storage/code-pool-repository.js';
import { CODES_DEFAULTS, codesModule, type CodesConfig } from './codes-module.js';

/** A step context over a fake code pool; it records store writes, variables set and pool calls. */
function context(config: CodesConfig, pool: Partial<CodePool>, variables: Record<string, string | boolean> = {}) {
  const writes: ModuleWrite[] = [];
  const calls: string[] = [];
  const vars = { ...variables };
  const ctx = {
    config,
    stepId: 'codes',
    variables: { get: (n: string) => vars[n], set: (n: string, v: string) => void (vars[n] = v), all: () => vars },
    store: { write: async (_t: string, row: ModuleWrite) => void writes.push(row) },
    capabilities: {
      codePool: {
        assign: async () => (calls.push('assign'), pool.assign ? pool.assign() : null),
        check: async (code: string, o: { singleUse: boolean }) => (calls.push(`check:${code}:${o.singleUse}`), pool.check!(code, o)),
        failedChecks: async () => (calls.push('failedChecks'), pool.failedChecks ? pool.failedChecks() : 0),
      },
    },
  } as unknown as StepContext<CodesConfig>;
  return { ctx, writes, calls, vars };
}

const say = (...texts: string[]) => texts.map((text) => ({ kind: 'text', text }));
const invalid = (message: string): StepResult => ({ type: 'invalid', error: { code: 'validation_failed', message, path: '/value' } });

describe('codes module: check mode', () => {
  it('asks for the code with a 64-character text input', async () => {
    const { ctx } = context({ mode: 'check', placeholder: 'ABC-123' }, {});
    expect(await codesModule.handleStep({ kind: 'enter' }, ctx)).toEqual({
      type: 'await',
      messages: say(CODES_DEFAULTS.question),
      input: { kind: 'text', label: CODES_DEFAULTS.question, required: true, maxLength: 64, placeholder: 'ABC-123' },
    });
  });

  it('accepts a valid code: the variable gets the code as uploaded, the row links to the email', async () => {
    const { ctx, writes, vars, calls } = context({ mode: 'check', singleUse: true, acceptedText: 'OK {{code}}' }, { check: async () => ({ status: 'valid', code: 'VIP-1' }) }, { email: 'A@Example.org' });
    expect(await codesModule.handleStep({ kind: 'reply', value: '  vip-1 ' }, ctx)).toEqual({ type: 'next', messages: say('OK VIP-1') });
    expect(calls).toEqual(['check:vip-1:true']);
    expect(vars.code).toBe('VIP-1');
    expect(writes).toEqual([{ data: { pool: 'codes', mode: 'check', result: 'accepted', code: 'VIP-1' }, subject: 'a@example.org' }]);
  });

  it('refuses unknown and used codes with their message and records the failure without the typed value', async () => {
    const unknown = context({ mode: 'check' }, { check: async () => ({ status: 'unknown' }) });
    expect(await codesModule.handleStep({ kind: 'reply', value: 'my secret' }, unknown.ctx)).toEqual(invalid(CODES_DEFAULTS.invalidText));
    expect(unknown.writes).toEqual([{ data: { pool: 'codes', mode: 'check', result: 'invalid' }, subject: null }]);
    const used = context({ mode: 'check', usedText: 'Taken' }, { check: async () => ({ status: 'used' }) });
    expect(await codesModule.handleStep({ kind: 'reply', value: 'X' }, used.ctx)).toEqual(invalid('Taken'));
    expect(used.writes[0]?.data).toEqual({ pool: 'codes', mode: 'check', result: 'used' });
  });

  it('an empty answer is refused without a check or an attempt counted', async () => {
    const { ctx, writes, calls } = context({ mode: 'check', maxAttempts: 1 }, {});
    expect(await codesModule.handleStep({ kind: 'reply', value: '  ' }, ctx)).toEqual(invalid('Please enter your code'));
    expect(await codesModule.handleStep({ kind: 'reply', value: true }, ctx)).toEqual(invalid('Please enter your code'));
    expect([writes, calls]).toEqual([[], []]);
  });

  it('maxAttempts: the failure that reaches the limit ends the flow; entering again past the limit ends at once', async () => {
    let failures = 1;
    const pool = { check: async () => (failures += 1, { status: 'unknown' as const }), failedChecks: async () => failures };
    const under = context({ mode: 'check', maxAttempts: 3 }, pool);
    expect(await codesModule.handleStep({ kind: 'reply', value: 'x' }, under.ctx)).toEqual(invalid(CODES_DEFAULTS.invalidText));
    expect(await codesModule.handleStep({ kind: 'reply', value: 'x' }, under.ctx)).toEqual({ type: 'done', messages: say(CODES_DEFAULTS.tooManyText) });
    expect(await codesModule.handleStep({ kind: 'enter' }, under.ctx)).toEqual({ type: 'done', messages: say(CODES_DEFAULTS.tooManyText) });
    const unlimited = context({ mode: 'check' }, pool);
    expect(await codesModule.handleStep({ kind: 'reply', value: 'x' }, unlimited.ctx)).toEqual(invalid(CODES_DEFAULTS.invalidText));
    expect(unlimited.calls).not.toContain('failedChecks');
  });
});

describe('codes module: distribute mode', () => {
  it('hands out a code, stores it once, and shows it through the variable', async () => {
    const { ctx, writes, vars } = context({ mode: 'distribute', variable: 'gift' , text: 'Gift: {{gift}}' }, { assign: async () => ({ code: 'G-1', firstTime: true }) });
    expect(await codesModule.handleStep({ kind: 'enter' }, ctx)).toEqual({ type: 'next', messages: say('Gift: G-1') });
    expect(vars.gift).toBe('G-1');
    expect(writes).toEqual([{ data: { pool: 'codes', mode: 'distribute', code: 'G-1' }, subject: null }]);
    const back = context({ mode: 'distribute' }, { assign: async () => ({ code: 'G-1', firstTime: false }) });
    expect(await codesModule.handleStep({ kind: 'enter' }, back.ctx)).toEqual({ type: 'next', messages: say('Your code: G-1') });
    expect(back.writes).toEqual([]);
  });

  it('skips sessions whose required variable is not truthy, without touching the pool', async () => {
    for (const variables of [{}, { won: false }, { won: '' }] as Record<string, string | boolean>[]) {
      const { ctx, calls } = context({ mode: 'distribute', requireVariable: 'won' }, {}, variables);
      expect(await codesModule.handleStep({ kind: 'enter' }, ctx)).toEqual({ type: 'next', messages: [] });
      expect(calls).toEqual([]);
    }
    const winner = context({ mode: 'distribute', requireVariable: 'won' }, { assign: async () => ({ code: 'W', firstTime: true }) }, { won: true });
    expect(await codesModule.handleStep({ kind: 'enter' }, winner.ctx)).toEqual({ type: 'next', messages: say('Your code: W') });
  });

  it('says so when the pool is exhausted', async () => {
    const { ctx, writes } = context({ mode: 'distribute', exhaustedText: 'All gone' }, { assign: async () => null });
    expect(await codesModule.handleStep({ kind: 'enter' }, ctx)).toEqual({ type: 'next', messages: say('All gone') });
    expect(writes).toEqual([]);
  });
});

describe('codes module: config', () => {
  const { validateConfig } = new ModuleRegistry([codesModule]).get('codes')!;

  it('needs a mode, and refuses options of the other mode with their path', () => {
    expect(validateConfig({})).toBe(false);
    expect(validateConfig({ mode: 'lottery' })).toBe(false);
    expect(validateConfig({ mode: 'check', maxAttempts: 0 })).toBe(false);
    expect(validateConfig({ mode: 'check', singleUse: true, maxAttempts: 5 })).toBe(true);
    expect(() => codesModule.checkConfig!({ mode: 'check', requireVariable: 'won' }, '/steps/2/config')).toThrow(expect.objectContaining({ code: 'config_invalid', path: '/steps/2/config/requireVariable' }));
    expect(() => codesModule.checkConfig!({ mode: 'distribute', maxAttempts: 3 }, '/c')).toThrow(expect.objectContaining({ path: '/c/maxAttempts' }));
    expect(() => codesModule.checkConfig!({ mode: 'distribute', requireVariable: 'won', text: 'x' }, '/c')).not.toThrow();
    expect(codesModule.requiresStorage).toBe(true);
    expect(codesModule.fields!({ mode: 'check' }, 'gate')).toEqual([{ key: 'code', label: 'Access code', type: 'text', source: { table: 'codes', key: 'code', personal: false } }]);
  });
});

describe('normalizeCode', () => {
  it('trims, keeps case and inner spaces, and refuses empty, over-long and non-printable codes', () => {
    expect(normalizeCode('  Ab-12 ')).toBe('Ab-12');
    expect(normalizeCode('Été 2024 ✓')).toBe('Été 2024 ✓');
    expect(normalizeCode('e\u0301')).toBe('é');
    expect(normalizeCode('x'.repeat(64))).toBe('x'.repeat(64));
    expect(normalizeCode('🎁'.repeat(64))).toBe('🎁'.repeat(64));
    for (const bad of ['', '   ', 'x'.repeat(65), 'a\tb', 'a\nb', 'nul\u0000', 'zero\u200bwidth', 'a\u00a0b']) expect(normalizeCode(bad)).toBeUndefined();
  });
});
