import { describe, expect, it } from 'vitest';
import { flowRefusal as save } from '../../support/flow-refusal.js';

const rating = (id: string, variable?: string) => ({ id, module: 'rating', config: { question: `${id}?`, ...(variable && { variable }) } });
const quiz = (id: string) => ({ id, module: 'quiz', config: { questions: [{ id: 'q', text: '2 + 2?', options: [{ id: 'a', label: '4', correct: true }, { id: 'b', label: '5' }] }] } });
const choice = (id: string) => ({ id, module: 'choice', config: { text: 'Plan?', variable: 'plan', options: [{ id: 'pro', label: 'Pro' }] } });
const consent = (id: string) => ({ id, module: 'consent', config: { label: `${id}?` } });

describe('export fields two steps would share', () => {
  it('refuses two steps exporting one field that means a step’s own rows, at the later step’s variable', () => {
    expect(save([rating('food'), rating('service')])).toEqual({
      code: 'config_invalid',
      message: 'Steps 1 (Rating) and 2 (Rating) would export the same field, and only one could be read: give this step a variable of its own',
      path: '/steps/1/config/variable',
    });
    expect(save([quiz('round1'), rating('mid'), quiz('round2')])).toMatchObject({ code: 'config_invalid', path: '/steps/2/config/variable' });
    const split = { id: 'ab', module: 'split', config: { variants: [{ id: 'a' }, { id: 'b' }] } };
    expect(save([split, rating('stars', 'variant')])).toMatchObject({ code: 'config_invalid', path: '/steps/1/config/variable' });
  });

  it('accepts steps of their own variables, and fields shared on purpose: two choices keeping one variable, two consents', () => {
    expect(save([rating('food', 'food'), rating('service', 'service')])).toBe('accepted');
    expect(save([choice('first'), choice('again')])).toBe('accepted');
    expect(save([consent('news'), consent('partners')])).toBe('accepted');
  });
});
