import { describe, expect, it } from 'vitest';
import { flowRefusal as save } from '../../support/flow-refusal.js';

const say = (id: string, next?: string) => ({ id, module: 'message', config: { text: id }, ...(next && { next }) });
const route = (id: string, to: string, next?: string) => ({
  id, module: 'condition', config: { rules: [{ when: [{ variable: 'utm_source', comparison: 'equals', value: 'ads' }], next: to }] }, ...(next && { next }),
});

describe('steps that go on to one another without waiting', () => {
  it('refuses a loop of them, naming its steps by place and pointing at the way back', () => {
    expect(save([say('hello', 'route'), route('route', 'hello', 'bye'), say('bye')])).toEqual({
      code: 'config_invalid',
      message: 'Steps 1 (Message) → 2 (Condition) → 1 (Message) go on to one another without waiting for the participant, so a conversation would never stop: make one of them a question or lead elsewhere',
      path: '/steps/1/config/rules/0/next',
    });
    expect(save([say('a', 'b'), say('b', 'c'), say('c', 'b')])).toMatchObject({ code: 'config_invalid', path: '/steps/2/next' });
    expect(save([route('self', 'self')])).toMatchObject({ code: 'config_invalid', path: '/steps/0/config/rules/0/next' });
    // A link without a continue button and a code hand-out go on too.
    const link = { id: 'link', module: 'link', config: { label: 'Rules', url: 'https://shop.example/rules' }, next: 'hello' };
    expect(save([say('hello', 'link'), link])).toMatchObject({ code: 'config_invalid', path: '/steps/1/next' });
  });

  it('accepts a loop through a step that waits: a question asked again, a quiz tried again, a link with a continue button', () => {
    const ask = { id: 'ask', module: 'choice', config: { text: 'Again?', options: [{ id: 'yes', label: 'Yes', next: 'hello' }, { id: 'no', label: 'No' }] }, next: 'bye' };
    expect(save([say('hello', 'route'), route('route', 'ask', 'ask'), ask, say('bye')])).toBe('accepted');
    const quiz = {
      id: 'quiz', module: 'quiz',
      config: { questions: [{ id: 'q1', text: '2 + 2?', options: [{ id: 'a', label: '4', correct: true }, { id: 'b', label: '5' }] }], failedNext: 'again' },
    };
    expect(save([quiz, say('again', 'quiz')])).toBe('accepted');
    const link = { id: 'link', module: 'link', config: { label: 'Rules', url: 'https://shop.example/rules', continueLabel: 'Done' }, next: 'hello' };
    expect(save([say('hello', 'link'), link])).toBe('accepted');
  });

  it('names the missing step of a branch by the field that names it', () => {
    expect(save([route('route', 'nowhere')])).toEqual({ code: 'config_invalid', message: 'Branch target does not exist', path: '/steps/0/config/rules/0/next' });
  });
});
