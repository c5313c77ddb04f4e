import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { csvExportOf, exportedCsv } from '../../support/csv-export.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import type { ParleyError } from '../../../core/errors.js';
import type { Condition } from '../../../exporter/conditions/condition.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-10-05T08:00:00Z') });
});
afterAll(async () => storage.destroy());

/** After a stay: how likely to recommend; detractors are asked why, promoters for a review. */
const SURVEY = {
  name: 'After your stay',
  steps: [
    { id: 'nps', module: 'rating', config: { question: 'How likely are you to recommend us?', scale: 'nps', lowNext: 'why', highNext: 'review' }, next: 'thanks' },
    { id: 'why', module: 'text-question', config: { question: 'What went wrong?', variable: 'why' }, next: 'thanks' },
    { id: 'review', module: 'link', config: { text: 'Would you leave us a review?', label: 'Review', url: 'https://reviews.example/hotel' } },
    { id: 'thanks', module: 'message', config: { text: 'Thank you!' } },
  ],
};

describe('rating step in a chat', () => {
  it('asks detractors why and promoters for a review, keeps each rating with its level, and exports it as a number a condition can compare', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'stay', SURVEY);
    const answer = async (rating: string) => {
      storage.clock.advance(60_000);
      const v = visitor('stay');
      expect((await v.start()).input).toEqual({ kind: 'rating', min: 0, max: 10, style: 'numbers' });
      const turn = await v.answer(rating);
      return { v, turn };
    };
    const detractor = await answer('3');
    expect(detractor.v.texts()).toEqual(['What went wrong?']);
    await detractor.v.answer('The room was cold');
    expect((await answer('8')).v.texts()).toEqual(['Thank you!']);
    expect((await answer('10')).v.texts()).toEqual(['Would you leave us a review?', '[Review](https://reviews.example/hotel)']);
    const refused = visitor('stay');
    await refused.start();
    expect(await refused.send('11')).toMatchObject({ ok: false, error: { code: 'validation_failed', message: 'Please choose a rating from 0 to 10', path: '/value' } });

    const ratings = (await listStoreRows(storage, workspace.id, 'variables', { flowId: flow.id, order: 'asc', limit: 10 })).rows.filter((r) => r.moduleId === 'rating');
    expect(ratings.map((r) => [r.data.rating, r.data.low, r.data.high, r.personal])).toEqual([[3, true, false, null], [8, false, false, null], [10, false, true, null]]);

    const fields: Array<[string, string]> = [['form.rating', 'NPS'], ['form.why', 'WHY']];
    expect(await exportedCsv(storage, workspace, csvExportOf('stay', fields))).toEqual([['NPS', 'WHY'], ['3', 'The room was cold'], ['8', ''], ['10', '']]);
    // Detractors only: a rating of 6 or less.
    const detractors = await exportedCsv(storage, workspace, csvExportOf('stay', fields, [{ field: 'form.rating', operator: 'less_than', value: 7 } as Condition]));
    expect(detractors).toEqual([['NPS', 'WHY'], ['3', 'The room was cold']]);
  });

  it('refuses a low-rating step that does not exist when the flow is saved', async () => {
    const { workspace } = await flowSetup(storage);
    const steps = SURVEY.steps.map((s) => (s.id === 'nps' ? { ...s, config: { ...s.config, lowNext: 'nowhere' } } : s));
    const refused = (await saveTestFlow(storage, workspace, 'stay', { ...SURVEY, steps }).catch((e: ParleyError) => e)) as ParleyError;
    expect(refused).toMatchObject({ code: 'config_invalid', path: expect.stringContaining('/steps/0') });
  });
});
