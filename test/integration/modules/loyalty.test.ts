import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { findSubjectRows, listStoreRows } from '../../../storage/store-reader.js';
import { eraseSubjectRows } from '../../../storage/store-deleter.js';
import { addCodes } from '../../../storage/code-pool-repository.js';
import { CODES_DEFAULTS } from '../../../modules/codes/codes-module.js';
import { csvExportOf, exportedCsv } from '../../support/csv-export.js';
import type { ParleyError } from '../../../core/errors.js';
import type { LoyaltyConfig } from '../../../modules/loyalty/loyalty-module.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-03-02T09:00:00Z') });
});
afterAll(async () => storage.destroy());

const DAY = 86_400_000;

/** A coffee shop's card: email, then a stamp; a full card leads to the voucher step. */
function card(config: LoyaltyConfig = {}) {
  return {
    name: 'Coffee card',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'card' },
      { id: 'card', module: 'loyalty', config: { goal: 3, prize: { id: 'coffee', title: 'a free coffee' }, completedNext: 'voucher', completedText: 'Full! {{prize}} is yours', ...config }, next: 'bye' },
      { id: 'voucher', module: 'message', config: { text: 'Show this at the till' } },
      { id: 'bye', module: 'message', config: { text: 'See you soon' } },
    ],
  };
}

async function setup(config: LoyaltyConfig = {}) {
  const { workspace, visitor } = await flowSetup(storage);
  const flow = await saveTestFlow(storage, workspace, 'coffee', card(config));
  const visit = async (email: string) => {
    const v = visitor('coffee');
    await v.start();
    return v.texts(await v.answer(email));
  };
  const rows = async (table: 'loyalty' | 'winners') => (await listStoreRows(storage, workspace.id, table, { flowId: flow.id, order: 'asc', limit: 1000 })).rows;
  return { workspace, flow, visitor, visit, rows };
}

describe('loyalty step in a chat', () => {
  it('gives one stamp a day per email, fills the card at the goal with its reward and branch, then starts a new card', async () => {
    storage.clock.set('2026-03-02T09:00:00Z');
    const { visit, rows } = await setup();
    expect(await visit('ann@example.org')).toEqual(['Stamp collected: 1 of 3 on your card', '[1/3 stamps]', 'See you soon']);
    expect(await visit(' ANN@example.org')).toEqual(["You have already collected today's stamp; come back tomorrow", '[1/3 stamps]', 'See you soon']);
    expect(await visit('bob@example.org')).toEqual(['Stamp collected: 1 of 3 on your card', '[1/3 stamps]', 'See you soon']);
    storage.clock.advance(DAY);
    expect(await visit('ann@example.org')).toEqual(['Stamp collected: 2 of 3 on your card', '[2/3 stamps]', 'See you soon']);
    storage.clock.advance(DAY);
    expect(await visit('ann@example.org')).toEqual(['Full! a free coffee is yours', '[3/3 stamps]', 'Show this at the till']);
    expect(await visit('ann@example.org')).toEqual(["You have already collected today's stamp; come back tomorrow", '[3/3 stamps]', 'See you soon']);
    storage.clock.advance(DAY);
    expect(await visit('ann@example.org')).toEqual(['Stamp collected: 1 of 3 on your card', '[1/3 stamps]', 'See you soon']);

    const stamps = await rows('loyalty');
    expect(stamps.map((r) => [r.personal?.email, r.data.stamp, r.data.cards, r.data.completed])).toEqual([
      ['ann@example.org', 1, 0, false],
      ['bob@example.org', 1, 0, false],
      ['ann@example.org', 2, 0, false],
      ['ann@example.org', 3, 1, true],
      ['ann@example.org', 1, 1, false],
    ]);
    // Stamps are kept a year by default.
    expect(stamps.every((r) => r.moduleId === 'loyalty' && r.stepId === 'card' && r.expiresAt.getTime() - r.createdAt.getTime() === 365 * DAY)).toBe(true);
    const wins = await rows('winners');
    expect(wins).toHaveLength(1);
    expect(wins[0]).toMatchObject({ stepId: 'card', personal: { email: 'ann@example.org' }, data: { prizeId: 'coffee', prizeTitle: 'a free coffee', source: 'loyalty' } });
  });

  it('tells a participant who already had the stamp of the period where their card stands', async () => {
    storage.clock.set('2026-03-16T09:00:00Z');
    const { visit } = await setup({ alreadyText: 'Already stamped: {{stamps}} of {{goal}}, {{remaining}} to go ({{cards}} full)' });
    await visit('hal@example.org');
    storage.clock.advance(DAY);
    await visit('hal@example.org');
    expect(await visit('hal@example.org')).toEqual(['Already stamped: 2 of 3, 1 to go (0 full)', '[2/3 stamps]', 'See you soon']);
  });

  it('weekly: one stamp per ISO week in the workspace time zone', async () => {
    storage.clock.set('2026-03-08T22:30:00Z'); // Sunday 8 March, 23:30 in Paris
    const { visit } = await setup({ frequency: 'weekly' });
    expect(await visit('wes@example.org')).toEqual(['Stamp collected: 1 of 3 on your card', '[1/3 stamps]', 'See you soon']);
    storage.clock.set('2026-03-08T22:50:00Z'); // same Paris week
    expect(await visit('wes@example.org')).toEqual(["You have already collected this week's stamp; come back next week", '[1/3 stamps]', 'See you soon']);
    storage.clock.set('2026-03-08T23:10:00Z'); // Monday 9 March, 00:10 in Paris: a new week
    expect(await visit('wes@example.org')).toEqual(['Stamp collected: 2 of 3 on your card', '[2/3 stamps]', 'See you soon']);
  });

  it('ten visits of one email at the same moment each take the next place on the card, none twice', async () => {
    const { visitor, rows } = await setup({ frequency: 'unlimited', goal: 4 });
    const visitors = Array.from({ length: 10 }, () => visitor('coffee'));
    await Promise.all(visitors.map((v) => v.start()));
    await Promise.all(visitors.map((v) => v.answer('race@example.org')));
    const stamps = (await rows('loyalty')).map((r) => r.data);
    expect(stamps.map((d) => d.stamp).sort()).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 4, 4]);
    expect(Math.max(...stamps.map((d) => Number(d.cards)))).toBe(2);
    expect(await rows('winners')).toHaveLength(2);
  });

  it('a card lasts as long as its latest stamp is kept: after the Loyalty retention a new card starts', async () => {
    storage.clock.set('2026-04-01T09:00:00Z');
    const { visit, rows } = await setup();
    expect(await visit('cy@example.org')).toEqual(['Stamp collected: 1 of 3 on your card', '[1/3 stamps]', 'See you soon']);
    storage.clock.advance(364 * DAY);
    expect(await visit('cy@example.org')).toEqual(['Stamp collected: 2 of 3 on your card', '[2/3 stamps]', 'See you soon']);
    storage.clock.advance(366 * DAY);
    expect(await visit('cy@example.org')).toEqual(['Stamp collected: 1 of 3 on your card', '[1/3 stamps]', 'See you soon']);
    expect((await rows('loyalty')).map((r) => r.data.stamp)).toEqual([1]);
  });

  it('exports each visit with its email, the card and the reward', async () => {
    storage.clock.set('2026-05-04T09:00:00Z');
    const { workspace, visit } = await setup({ goal: 2 });
    await visit('dee@example.org');
    storage.clock.advance(DAY);
    await visit('eve@example.org');
    storage.clock.advance(DAY);
    await visit('dee@example.org');
    const csv = await exportedCsv(storage, workspace, csvExportOf('coffee', [['form.email', 'EMAIL'], ['form.loyalty_stamps', 'STAMPS'], ['form.loyalty_cards', 'CARDS'], ['gift.title', 'REWARD']]));
    expect(csv[0]).toEqual(['EMAIL', 'STAMPS', 'CARDS', 'REWARD']);
    // Dee's two visits read her card as her latest stamp left it (full, one reward).
    expect(csv.slice(1)).toEqual([
      ['dee@example.org', '2', '1', 'a free coffee'],
      ['eve@example.org', '1', '0', ''],
      ['dee@example.org', '2', '1', 'a free coffee'],
    ]);
  });

  it("a data subject's lookup finds their stamps and reward, and erasing them ends their card", async () => {
    storage.clock.set('2026-06-01T09:00:00Z');
    const { workspace, visit, rows } = await setup({ goal: 2, frequency: 'unlimited' });
    await visit('fay@example.org');
    await visit('fay@example.org');
    await visit('gus@example.org');
    const found = await findSubjectRows(storage, workspace.id, 'fay@example.org');
    expect(found.filter((r) => r.table === 'loyalty').map((r) => r.data.stamp)).toEqual(expect.arrayContaining([1, 2]));
    expect(found.filter((r) => r.table === 'winners')).toHaveLength(1);
    const erased = await eraseSubjectRows(storage, workspace.id, 'fay@example.org');
    expect(erased).toMatchObject({ loyalty: 2, winners: 1 });
    expect((await rows('loyalty')).map((r) => r.personal?.email)).toEqual(['gus@example.org']);
    expect(await visit('fay@example.org')).toEqual(['Stamp collected: 1 of 2 on your card', '[1/2 stamps]', 'See you soon']);
  });

  it('a stamp for each receipt code, and a voucher code for a full card: codes check, loyalty at every pass, codes hand-out', async () => {
    storage.clock.set('2026-07-01T09:00:00Z');
    const { workspace, visitor } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'receipts', {
      name: 'Receipts',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'receipt' },
        { id: 'receipt', module: 'codes', config: { mode: 'check', question: 'The code on your receipt?', singleUse: true }, next: 'card' },
        { id: 'card', module: 'loyalty', config: { goal: 2, frequency: 'unlimited', showCard: false, completedNext: 'voucher' }, next: 'bye' },
        { id: 'voucher', module: 'codes', config: { mode: 'distribute', text: 'Your free coffee: {{code}}' } },
        { id: 'bye', module: 'message', config: { text: 'See you soon' } },
      ],
    });
    await addCodes(storage.db, workspace.id, flow.id, 'receipt', ['R-1', 'R-2'], storage.clock.now());
    await addCodes(storage.db, workspace.id, flow.id, 'voucher', ['COFFEE-1'], storage.clock.now());
    const purchase = async (code: string, again?: string) => {
      const v = visitor('receipts');
      await v.start();
      await v.answer('ivy@example.org');
      if (again) expect(await v.send(code)).toMatchObject({ ok: false, error: { message: CODES_DEFAULTS.usedText } });
      return v.texts(await v.answer(again ?? code));
    };
    expect(await purchase('R-1')).toEqual(['Stamp collected: 1 of 2 on your card', 'See you soon']);
    // The same receipt twice gives no stamp: the code is refused at its step, and another one is asked for.
    expect(await purchase('R-1', 'R-2')).toEqual(['Your card is full: thank you for your loyalty!', 'Your free coffee: COFFEE-1']);
  });

  it('flows naming the same program share one card per person and one stamp per day; a flow without it keeps its own', async () => {
    storage.clock.set('2026-08-03T09:00:00Z');
    const { workspace, visitor } = await flowSetup(storage);
    const shop = (name: string, program?: string) => ({
      name,
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'card' },
        { id: 'card', module: 'loyalty', config: { goal: 3, showCard: false, ...(program && { program }) } },
      ],
    });
    const north = await saveTestFlow(storage, workspace, 'north', shop('North shop', 'coffee-club'));
    await saveTestFlow(storage, workspace, 'south', shop('South shop', 'coffee-club'));
    await saveTestFlow(storage, workspace, 'kiosk', shop('Kiosk'));
    const visit = async (slug: string, email = 'jo@example.org') => {
      const v = visitor(slug);
      await v.start();
      return v.texts(await v.answer(email));
    };
    expect(await visit('north')).toEqual(['Stamp collected: 1 of 3 on your card']);
    expect(await visit('south')).toEqual(["You have already collected today's stamp; come back tomorrow"]);
    expect(await visit('kiosk')).toEqual(['Stamp collected: 1 of 3 on your card']);
    storage.clock.advance(DAY);
    expect(await visit('south')).toEqual(['Stamp collected: 2 of 3 on your card']);
    storage.clock.advance(DAY);
    expect(await visit('north')).toEqual(['Your card is full: thank you for your loyalty!']);
    expect(await visit('north', 'kim@example.org')).toEqual(['Stamp collected: 1 of 3 on your card']);
    const north_rows = (await listStoreRows(storage, workspace.id, 'loyalty', { flowId: north.id, order: 'asc' })).rows;
    expect(north_rows.map((r) => [r.personal?.email, r.data.stamp, r.data.series])).toEqual([
      ['jo@example.org', 1, 'coffee-club'],
      ['jo@example.org', 3, 'coffee-club'],
      ['kim@example.org', 1, 'coffee-club'],
    ]);
  });

  it('ten visits of one email through two flows of one program at the same moment each take the next place on the card', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    const shop = { name: 'Shop', steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'card' },
      { id: 'card', module: 'loyalty', config: { goal: 20, frequency: 'unlimited', program: 'club' } },
    ] };
    await saveTestFlow(storage, workspace, 'east', shop);
    await saveTestFlow(storage, workspace, 'west', shop);
    const visitors = Array.from({ length: 10 }, (_, i) => visitor(i % 2 === 0 ? 'east' : 'west'));
    await Promise.all(visitors.map((v) => v.start()));
    await Promise.all(visitors.map((v) => v.answer('race@example.org')));
    const stamps = (await listStoreRows(storage, workspace.id, 'loyalty', { limit: 100 })).rows.map((r) => r.data.stamp);
    // One card across both flows: places 1 to 10, not two cards of five.
    expect(stamps.sort((a, b) => Number(a) - Number(b))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('refuses a full-card step that does not exist, and a workspace with storage off', async () => {
    const { workspace } = await flowSetup(storage);
    const missing = await saveTestFlow(storage, workspace, 'bad', card({ completedNext: 'nowhere' })).catch((e: ParleyError) => e);
    expect(missing).toMatchObject({ code: 'config_invalid', path: '/steps/1/config/completedNext' });
    const off = await flowSetup(storage, { workspace: { storageEnabled: false } });
    const refused = await saveTestFlow(storage, off.workspace, 'coffee', card()).catch((e: ParleyError) => e);
    expect(refused).toMatchObject({ code: 'storage_disabled', path: '/steps/1/module' });
  });
});
