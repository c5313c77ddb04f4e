import { describe, expect, it } from 'vitest';
import { fakeStep } from '../../test/support/fake-step.js';
import { configRefusal } from '../../test/support/config-refusal.js';
import { drawVariant, splitModule, type SplitConfig } from './split-module.js';

const AB: SplitConfig = {
  variants: [
    { id: 'short', label: 'Short welcome', weight: 3, next: 'short-hello' },
    { id: 'long', label: 'Long welcome', next: 'long-hello' },
    { id: 'paused', weight: 0, next: 'old-hello' },
  ],
};

describe('drawVariant', () => {
  it('gives each variant the tickets of its weight, in order, and none to a paused one', () => {
    const drawn = [0, 1, 2, 3].map((ticket) => drawVariant(AB.variants, (max) => (expect(max).toBe(4), ticket)).id);
    expect(drawn).toEqual(['short', 'short', 'short', 'long']);
  });

  it('draws in proportion to the weights with the crypto source', () => {
    const counts = { short: 0, long: 0, paused: 0 } as Record<string, number>;
    for (let i = 0; i < 4000; i += 1) counts[drawVariant(AB.variants).id]! += 1;
    expect(counts.paused).toBe(0);
    // 3 in 4 to short: 3,000 expected, with a standard deviation of 27 (an even split would give 2,000).
    expect(counts.short).toBeGreaterThan(2800);
    expect(counts.short).toBeLessThan(3200);
  });
});

describe('split module', () => {
  it('sends the participant to the drawn variant’s step, keeps it in the variable and one unsealed Variables row', async () => {
    const step = fakeStep(AB, { stepId: 'ab', variables: {} });
    const result = await splitModule.handleStep({ kind: 'enter' }, step.ctx);
    const variant = step.variables.variant;
    expect(['short', 'long']).toContain(variant);
    expect(result).toEqual({ type: 'next', messages: [], next: `${String(variant)}-hello` });
    expect(step.writes).toEqual([{ table: 'variables', row: { data: { variable: 'variant', step_id: 'ab', variant } } }]);
  });

  it('keeps the variant a session holds: the step entered again, or one a host page passed (even a paused one, to try it)', async () => {
    for (const held of ['long', 'paused']) {
      const step = fakeStep({ ...AB, variable: 'welcome' }, { stepId: 'ab', variables: { welcome: held } });
      for (let i = 0; i < 20; i += 1) expect(await splitModule.handleStep({ kind: 'enter' }, step.ctx)).toEqual({ type: 'next', messages: [], next: `${held === 'long' ? 'long' : 'old'}-hello` });
      expect(step.writes[0]!.row.data).toEqual({ variable: 'welcome', step_id: 'ab', variant: held });
    }
    // A value that is no variant's id is drawn over.
    const step = fakeStep(AB, { variables: { variant: 'c' } });
    await splitModule.handleStep({ kind: 'enter' }, step.ctx);
    expect(['short', 'long']).toContain(step.variables.variant);
  });

  it('goes on to the step’s own next step for a variant that names none, and still routes with storage off', async () => {
    const step = fakeStep({ variants: [{ id: 'a' }, { id: 'b', weight: 0 }] }, { storageEnabled: false });
    expect(await splitModule.handleStep({ kind: 'enter' }, step.ctx)).toEqual({ type: 'next', messages: [] });
    expect(step.variables.variant).toBe('a');
  });

  it('offers the variant to exports with its names, and names each variant’s step as a branch', () => {
    expect(splitModule.fields!(AB, 'ab')).toEqual([
      { key: 'variant', label: 'A/B variant', type: 'text', source: { table: 'variables', key: 'variant', personal: false, step: 'ab', variable: 'variant' }, values: { short: 'Short welcome', long: 'Long welcome', paused: 'paused' } },
    ]);
    expect(splitModule.branches!(AB).map((branch) => branch.path)).toEqual(['/variants/0/next', '/variants/1/next', '/variants/2/next']);
  });

  it('refuses two variants with one id, and every variant paused', () => {
    expect(configRefusal(splitModule, { variants: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] }, '/steps/1/config')).toEqual(['Two variants have this id', '/steps/1/config/variants/2/id']);
    expect(configRefusal(splitModule, { variants: [{ id: 'a', weight: 0 }, { id: 'b', weight: 0 }] }, '/steps/1/config')).toEqual(['Give at least one variant a weight above 0', '/steps/1/config/variants/0/weight']);
    expect(configRefusal(splitModule, AB, '/steps/1/config')).toBeUndefined();
  });
});
