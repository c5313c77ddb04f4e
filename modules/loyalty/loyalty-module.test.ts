import { describe, expect, it } from 'vitest';
import { fakeStep } from '../../test/support/fake-step.js';
import { LOYALTY_DEFAULTS, loyaltyModule, nextStamp, type LoyaltyConfig } from './loyalty-module.js';

const texts = (result: Awaited<ReturnType<typeof loyaltyModule.handleStep>>) => ('messages' in result ? result.messages.map((m) => (m.kind === 'text' ? m.text : m.kind)) : []);

describe('nextStamp', () => {
  it('starts a card, moves along it, fills it at the goal and starts the next one after', () => {
    expect(nextStamp(null, 3, 'daily')).toEqual({ stamp: 1, goal: 3, cards: 0, completed: false, frequency: 'daily' });
    const second = nextStamp({ stamp: 1, cards: 0, completed: false }, 3, 'daily');
    expect(second).toMatchObject({ stamp: 2, cards: 0, completed: false });
    const full = nextStamp({ ...second }, 3, 'daily');
    expect(full).toMatchObject({ stamp: 3, cards: 1, completed: true });
    expect(nextStamp({ ...full }, 3, 'daily')).toMatchObject({ stamp: 1, cards: 1, completed: false });
  });

  it('fills the card at the next stamp when the goal was lowered past it, and reads nothing odd as a place', () => {
    expect(nextStamp({ stamp: 7, cards: 2, completed: false }, 5, 'weekly')).toMatchObject({ stamp: 5, cards: 3, completed: true });
    expect(nextStamp({ stamp: 'x', cards: -1, completed: 'yes' }, 5, 'weekly')).toMatchObject({ stamp: 1, cards: 0, completed: false });
  });
});

describe('loyalty module', () => {
  const config: LoyaltyConfig = { goal: 2, prize: { id: 'coffee', title: 'a free coffee' }, completedNext: 'voucher' };

  it('stamps the email, then fills the card: a winners row with the reward, and the full-card branch', async () => {
    const step = fakeStep(config, { variables: { email: ' Ann@Example.org ' } });
    const first = await loyaltyModule.handleStep({ kind: 'enter' }, step.ctx);
    expect(first).toMatchObject({ type: 'next' });
    expect(first).not.toHaveProperty('next');
    expect(first).toMatchObject({ messages: [{ kind: 'text', text: 'Stamp collected: 1 of 2 on your card' }, { kind: 'stamps', filled: 1, goal: 2 }] });
    expect(step.variables.stamps).toBe(1);
    const second = await loyaltyModule.handleStep({ kind: 'enter' }, { ...step.ctx, config: { ...config, completedText: 'Full: {{prize}} ({{cards}} cards)' } });
    expect(second).toMatchObject({ type: 'next', next: 'voucher' });
    expect(texts(second)).toEqual(['Full: a free coffee (1 cards)', 'stamps']);
    expect(step.writes).toEqual([
      { table: 'loyalty', row: { data: { stamp: 1, goal: 2, cards: 0, completed: false, frequency: 'daily' }, personal: { email: 'ann@example.org' }, subject: 'ann@example.org' } },
      { table: 'loyalty', row: { data: { stamp: 2, goal: 2, cards: 1, completed: true, frequency: 'daily' }, personal: { email: 'ann@example.org' }, event: 'loyalty.card_completed', subject: 'ann@example.org' } },
      { table: 'winners', row: { data: { prizeId: 'coffee', prizeTitle: 'a free coffee', source: 'loyalty' }, personal: { email: 'ann@example.org' }, subject: 'ann@example.org' } },
    ]);
    expect(step.events).toEqual(['loyalty_stamped', 'loyalty_card_completed']);
  });

  it('says where the card stands without drawing it when told not to show the card', async () => {
    const step = fakeStep({ goal: 4, showCard: false, stampText: '{{remaining}} to go' }, { variables: { email: 'ann@example.org' } });
    expect(await loyaltyModule.handleStep({ kind: 'enter' }, step.ctx)).toMatchObject({ messages: [{ kind: 'text', text: '3 to go' }] });
  });

  it('without an email ends the flow and stores nothing', async () => {
    const step = fakeStep({}, { variables: {} });
    const result = await loyaltyModule.handleStep({ kind: 'enter' }, step.ctx);
    expect(result.type).toBe('done');
    expect(texts(result)).toEqual([LOYALTY_DEFAULTS.noEmailText]);
    expect(step.writes).toEqual([]);
  });

  it('says so when the stamp was not kept (storage switched off after the flow was saved)', async () => {
    const step = fakeStep({}, { variables: { email: 'ann@example.org' }, storageEnabled: false });
    expect(texts(await loyaltyModule.handleStep({ kind: 'enter' }, step.ctx))).toEqual([LOYALTY_DEFAULTS.storageOffText]);
    expect(step.events).toEqual(['loyalty_not_stored']);
  });

  it('offers the stamps and the full cards to exports, and names its full-card step as a branch', () => {
    expect(loyaltyModule.fields?.({}, 'card').map((f) => [f.key, f.source.table, f.source.key])).toEqual([
      ['loyalty_stamps', 'loyalty', 'stamp'],
      ['loyalty_cards', 'loyalty', 'cards'],
    ]);
    expect(loyaltyModule.branches?.({ completedNext: 'voucher' })).toEqual([{ step: 'voucher', path: '/completedNext' }]);
    expect(loyaltyModule.branches?.({})).toEqual([]);
  });
});
