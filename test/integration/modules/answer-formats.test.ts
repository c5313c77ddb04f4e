import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import { csvExportOf, exportedCsv } from '../../support/csv-export.js';
import type { ParleyError } from '../../../core/errors.js';

let storage: TestStorage;
beforeAll(async () => {
  // 23:30 on 31 August in UTC is already 1 September in Paris, the workspace's zone.
  storage = await createTestStorage({ start: new Date('2026-08-31T22:30:00Z') });
});
afterAll(async () => storage.destroy());

/** A wine shop's raffle: adults only (a birth date, 18 or older), then a mobile number for the winner's call. */
const RAFFLE = {
  name: 'Wine raffle',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'born' },
    { id: 'born', module: 'text-question', config: { question: 'Your birth date?', variable: 'born', format: 'date', minAge: 18, tooYoungNext: 'minor' }, next: 'phone' },
    { id: 'phone', module: 'text-question', config: { question: 'Your mobile, to call the winner?', variable: 'phone', format: 'phone', country: 'FR' }, next: 'draw' },
    { id: 'draw', module: 'giveaway', config: { frequency: 'unlimited' } },
    { id: 'minor', module: 'message', config: { text: 'Come back when you are 18' } },
  ],
};

describe('phone and date answers in a chat', () => {
  it('keeps an adult’s birth date and mobile in their formats and exports them through the date, age and phone filters', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'wine', RAFFLE);
    const v = visitor('wine');
    await v.start();
    await v.answer('ann@example.org');
    // Eighteen today where the workspace is (still 31 August in UTC).
    expect((await v.answer('01/09/2008')).input).toMatchObject({ kind: 'text', format: 'phone' });
    expect(await v.send('06 12 34')).toMatchObject({ ok: false, error: { code: 'validation_failed', message: 'This phone number does not look right', path: '/value' } });
    expect(v.texts(await v.answer('06 12 34 56 78'))).toEqual(["You're in the draw"]);

    const answers = (await listStoreRows(storage, workspace.id, 'variables', { flowId: flow.id, order: 'asc', limit: 10 })).rows.filter((r) => r.moduleId === 'text-question');
    expect(answers.map((r) => r.personal)).toEqual([{ born: '2008-09-01' }, { phone: '+33612345678' }]);

    const definition = csvExportOf('wine', [
      ['form.email', 'EMAIL'],
      { field: 'form.born', column: 'BORN', filter: 'date_ddmmyyyy' },
      { field: 'form.born', column: 'AGE', filter: 'age' },
      { field: 'form.phone', column: 'MOBILE', filter: 'phone_fr_10_digits' },
      ['form.phone', 'PHONE'],
    ]);
    expect(await exportedCsv(storage, workspace, definition)).toEqual([
      ['EMAIL', 'BORN', 'AGE', 'MOBILE', 'PHONE'],
      // The CSV's formula guard (on by default) keeps a spreadsheet from reading the leading + as a formula.
      ['ann@example.org', '01092008', '18', '0612345678', "'+33612345678"],
    ]);
  });

  it('turns away a participant under 18 to the minors’ step, keeping neither their date nor an entry', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'wine', RAFFLE);
    const v = visitor('wine');
    await v.start();
    await v.answer('bob@example.org');
    expect(await v.send('31/02/2009')).toMatchObject({ ok: false, error: { message: 'Please give a date such as 18/06/1991' } });
    const turned = await v.answer('2008-09-02');
    expect(v.texts(turned)).toEqual(['Sorry, you must be 18 or older to take part.', 'Come back when you are 18']);
    expect(turned.done).toBe(true);
    const rows = async (table: 'variables' | 'participations' | 'runtime_log') => (await listStoreRows(storage, workspace.id, table, { flowId: flow.id, limit: 10 })).rows;
    expect((await rows('variables')).filter((r) => r.moduleId === 'text-question')).toEqual([]);
    expect(await rows('participations')).toEqual([]);
    // The refusal is logged without the date.
    const refused = (await rows('runtime_log')).find((r) => r.data.event === 'age_refused');
    expect(refused?.data).toMatchObject({ event: 'age_refused', minAge: 18 });
    expect(JSON.stringify(refused)).not.toContain('2008');
  });

  it('refuses a phone country on a date question at its path when the flow is saved', async () => {
    const { workspace } = await flowSetup(storage);
    const steps = RAFFLE.steps.map((s) => (s.id === 'born' ? { ...s, config: { ...s.config, country: 'FR' } } : s));
    const refused = (await saveTestFlow(storage, workspace, 'wine', { ...RAFFLE, steps }).catch((e: ParleyError) => e)) as ParleyError;
    expect(refused).toMatchObject({ code: 'config_invalid', message: 'A phone country applies to phone numbers only', path: '/steps/1/config/country' });
  });
});
