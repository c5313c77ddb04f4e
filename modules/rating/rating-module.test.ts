import { describe, expect, it } from 'vitest';
import { fakeStep } from '../../test/support/fake-step.js';
import { ratingLevel, ratingModule, ratingScores, type RatingConfig } from './rating-module.js';
import { ROW_STATISTICS, type RowStatisticCounts } from '../../core/module-contract.js';

async function rate(config: RatingConfig, value: string) {
  const step = fakeStep(config, { stepId: 'rate', variables: {} });
  const entered = await ratingModule.handleStep({ kind: 'enter' }, step.ctx);
  const result = await ratingModule.handleStep({ kind: 'reply', value }, step.ctx);
  return { step, entered, result };
}

describe('ratingLevel', () => {
  it('calls 1–2 stars low and 4–5 high (CSAT), 0–6 low and 9–10 high on a net promoter question', () => {
    expect([1, 2, 3, 4, 5].map((n) => ratingLevel('stars', n))).toEqual([
      { low: true, high: false }, { low: true, high: false }, { low: false, high: false }, { low: false, high: true }, { low: false, high: true },
    ]);
    expect([0, 6, 7, 8, 9, 10].map((n) => ratingLevel('nps', n))).toEqual([
      { low: true, high: false }, { low: true, high: false }, { low: false, high: false }, { low: false, high: false }, { low: false, high: true }, { low: false, high: true },
    ]);
  });
});

describe('ratingScores', () => {
  const counts = (ratings: number, ratingsHigh: number, ratingsLow: number): RowStatisticCounts => ({ ...(Object.fromEntries(ROW_STATISTICS.map((s) => [s, 0])) as RowStatisticCounts), ratings, ratingsHigh, ratingsLow });
  const nps: RatingConfig = { question: 'Recommend us?', scale: 'nps' };
  const stars: RatingConfig = { question: 'Your visit?' };

  it('makes the net promoter score of 0–10 ratings (promoters less detractors, in points) and CSAT of stars (share of 4–5)', () => {
    expect(ratingScores([nps, nps], counts(7, 4, 1))).toEqual([{ key: 'nps', label: 'Net promoter score', value: 43, unit: 'points', basedOn: 7 }]);
    expect(ratingScores([nps], counts(3, 0, 2))).toEqual([{ key: 'nps', label: 'Net promoter score', value: -67, unit: 'points', basedOn: 3 }]);
    expect(ratingScores([stars], counts(8, 6, 1))).toEqual([{ key: 'csat', label: 'Satisfaction (CSAT)', value: 75, unit: 'percent', basedOn: 8 }]);
  });

  it('makes none without ratings, or when the steps ask on different scales', () => {
    expect(ratingScores([nps], counts(0, 0, 0))).toEqual([]);
    expect(ratingScores([nps, stars], counts(5, 2, 2))).toEqual([]);
    expect(ratingScores([], counts(5, 2, 2))).toEqual([]);
  });
});

describe('rating module', () => {
  const NPS: RatingConfig = { question: 'How likely are you to recommend us, {{first}}?', scale: 'nps', lowLabel: 'Not at all likely', highLabel: 'Extremely likely', lowNext: 'why', highNext: 'review' };

  it('asks on its scale with the ends named, and keeps the rating with its level in one Variables row', async () => {
    const { step, entered, result } = await rate({ ...NPS, question: 'How likely are you to recommend us?' }, '8');
    expect(entered).toEqual({
      type: 'await',
      messages: [{ kind: 'text', text: 'How likely are you to recommend us?' }],
      input: { kind: 'rating', min: 0, max: 10, style: 'numbers', lowLabel: 'Not at all likely', highLabel: 'Extremely likely' },
    });
    // A passive (7–8) follows the step's own next.
    expect(result).toEqual({ type: 'next', messages: [] });
    expect(step.variables.rating).toBe(8);
    expect(step.writes).toEqual([{ table: 'variables', row: { data: { variable: 'rating', step_id: 'rate', rating: 8, scale: 'nps', low: false, high: false }, event: 'rating.given' } }]);
  });

  it('sends low and high ratings to their steps', async () => {
    expect((await rate(NPS, '6')).result).toEqual({ type: 'next', messages: [], next: 'why' });
    expect((await rate(NPS, '10')).result).toEqual({ type: 'next', messages: [], next: 'review' });
    expect((await rate({ question: 'Your stay?', lowNext: 'why' }, '2')).result).toEqual({ type: 'next', messages: [], next: 'why' });
    expect((await rate({ question: 'Your stay?', lowNext: 'why' }, '5')).result).toEqual({ type: 'next', messages: [] });
  });

  it('asks 1 to 5 stars by default', async () => {
    const { entered, step } = await rate({ question: 'Your stay?', variable: 'stay' }, '4');
    expect(entered).toMatchObject({ input: { kind: 'rating', min: 1, max: 5, style: 'stars' } });
    expect(step.writes[0]!.row.data).toMatchObject({ variable: 'stay', rating: 4, scale: 'stars', high: true });
  });

  it('refuses anything but a whole number on its scale, and keeps asking', async () => {
    for (const value of ['0', '6', '4.5', ' 3', 'five', '']) {
      const { result, step } = await rate({ question: 'Your stay?' }, value);
      expect(result).toEqual({ type: 'invalid', error: { code: 'validation_failed', message: 'Please choose a rating from 1 to 5', path: '/value' } });
      expect(step.writes).toEqual([]);
    }
    expect((await rate(NPS, '11')).result).toMatchObject({ type: 'invalid', error: { message: 'Please choose a rating from 0 to 10' } });
  });

  it('offers the rating to exports as a number from the rows of its variable written by the step, and names its branches', () => {
    expect(ratingModule.fields!(NPS, 'rate')).toEqual([
      { key: 'rating', label: 'How likely are you to recommend us, {{first}}?', type: 'number', source: { table: 'variables', key: 'rating', personal: false, step: 'rate', variable: 'rating' } },
    ]);
    expect(ratingModule.branches!(NPS)).toEqual([{ step: 'why', path: '/lowNext' }, { step: 'review', path: '/highNext' }]);
  });
});
