import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import type { ParleyError } from '../../../core/errors.js';
import { GIVEAWAY_DEFAULTS, type GiveawayConfig } from '../../../modules/giveaway/giveaway-module.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2024-03-04T09:00:00Z') });
});
afterAll(async () => storage.destroy());

const CONFIRM = 'You are in, {{email}}';
const ALREADY = GIVEAWAY_DEFAULTS.alreadyText;
const ALREADY_WEEK = 'You have already entered this week; come back next week';

function raffle(config: GiveawayConfig = {}) {
  return {
    name: 'Raffle',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'draw' },
      { id: 'draw', module: 'giveaway', config: { confirmText: CONFIRM, ...config }, next: 'bye' },
      { id: 'bye', module: 'message', config: { text: 'Bye' } },
    ],
  };
}

/** A workspace with one raffle flow; `enter(email)` walks a fresh session and returns what the bot said. */
async function setup(config: GiveawayConfig = {}) {
  const { workspace, visitor } = await flowSetup(storage);
  const flow = await saveTestFlow(storage, workspace, 'raffle', raffle(config));
  const enter = async (email: string) => {
    const v = visitor('raffle');
    await v.start();
    return v.texts(await v.answer(email));
  };
  const rows = async () => (await listStoreRows(storage, workspace.id, 'participations', { flowId: flow.id, limit: 1000 })).rows;
  return { workspace, flow, visitor, enter, rows };
}

describe('giveaway module', () => {
  it('once: the same email twice is refused the second time with a clear message, one row stored', async () => {
    storage.clock.set('2024-03-04T09:00:00Z');
    const { enter, rows, workspace, flow } = await setup({ frequency: 'once' });
    expect(await enter('ann@example.org')).toEqual(['You are in, ann@example.org', 'Bye']);
    expect(await enter('  ANN@Example.org ')).toEqual([ALREADY, 'Bye']);
    storage.clock.advance(20 * 86_400_000);
    expect(await enter('ann@example.org')).toEqual([ALREADY, 'Bye']);
    expect(await enter('bob@example.org')).toEqual(['You are in, bob@example.org', 'Bye']);
    const stored = await rows();
    expect(stored.map((r) => r.personal?.email).sort()).toEqual(['ann@example.org', 'bob@example.org']);
    expect(stored[0]).toMatchObject({ moduleId: 'giveaway', stepId: 'draw', data: { giveaway: 'draw', frequency: 'once' } });
    // Each attempt in the runtime log, without the email, kept 7 days: the two of 20 days ago are gone.
    const log = (await listStoreRows(storage, workspace.id, 'runtime_log', { flowId: flow.id, order: 'asc' })).rows;
    expect(log.map((r) => [r.moduleId, r.stepId, r.data.event])).toEqual([
      ['giveaway', 'draw', 'giveaway_already_entered'],
      ['giveaway', 'draw', 'giveaway_entered'],
    ]);
    expect(log.every((r) => r.personal === null && !JSON.stringify(r.data).includes('@') && r.expiresAt.getTime() - r.createdAt.getTime() === 7 * 86_400_000)).toBe(true);
  });

  it('once: ten sessions entering the same email at the same moment store exactly one row', async () => {
    const { visitor, rows } = await setup();
    const visitors = Array.from({ length: 10 }, () => visitor('raffle'));
    await Promise.all(visitors.map((v) => v.start()));
    const turns = await Promise.all(visitors.map((v) => v.answer('race@example.org')));
    const said = turns.map((t) => t.messages.map((m) => (m.kind === 'text' ? m.text : '')).join('|'));
    expect(said.filter((s) => s === 'You are in, race@example.org|Bye')).toHaveLength(1);
    expect(said.filter((s) => s === `${ALREADY}|Bye`)).toHaveLength(9);
    expect(await rows()).toHaveLength(1);
  });

  it('daily: one entry per calendar day in the workspace time zone (Europe/Paris), not per UTC day', async () => {
    storage.clock.set('2024-03-10T22:30:00Z'); // 23:30 in Paris, Sunday 10 March
    const { enter, rows } = await setup({ frequency: 'daily' });
    expect(await enter('day@example.org')).toEqual(['You are in, day@example.org', 'Bye']);
    storage.clock.set('2024-03-10T22:50:00Z'); // 23:50 in Paris, same Paris day
    expect(await enter('day@example.org')).toEqual(['You have already entered today; come back tomorrow', 'Bye']);
    storage.clock.set('2024-03-10T23:15:00Z'); // 00:15 in Paris on the 11th, still the 10th in UTC
    expect(await enter('day@example.org')).toEqual(['You are in, day@example.org', 'Bye']);
    storage.clock.set('2024-03-11T00:15:00Z'); // a new UTC day, same Paris day (the 11th)
    expect(await enter('day@example.org')).toEqual(['You have already entered today; come back tomorrow', 'Bye']);
    storage.clock.set('2024-03-11T23:05:00Z'); // 00:05 in Paris on the 12th
    expect(await enter('day@example.org')).toEqual(['You are in, day@example.org', 'Bye']);
    expect((await rows()).map((r) => r.createdAt.toISOString()).sort()).toEqual([
      '2024-03-10T22:30:00.000Z',
      '2024-03-10T23:15:00.000Z',
      '2024-03-11T23:05:00.000Z',
    ]);
  });

  it('daily: the Paris day boundary follows daylight saving time (midnight is 22:00 UTC in summer)', async () => {
    storage.clock.set('2024-07-01T21:30:00Z'); // 23:30 in Paris (UTC+2)
    const { enter, rows } = await setup({ frequency: 'daily' });
    expect(await enter('summer@example.org')).toEqual(['You are in, summer@example.org', 'Bye']);
    storage.clock.set('2024-07-01T22:10:00Z'); // 00:10 in Paris on 2 July
    expect(await enter('summer@example.org')).toEqual(['You are in, summer@example.org', 'Bye']);
    expect(await rows()).toHaveLength(2);
  });

  it('weekly: one entry per ISO week (Monday to Sunday) in the workspace time zone', async () => {
    storage.clock.set('2024-03-17T22:30:00Z'); // Sunday 17 March, 23:30 in Paris
    const { enter, rows } = await setup({ frequency: 'weekly' });
    expect(await enter('week@example.org')).toEqual(['You are in, week@example.org', 'Bye']);
    storage.clock.set('2024-03-17T23:30:00Z'); // Monday 18 March, 00:30 in Paris: a new week
    expect(await enter('week@example.org')).toEqual(['You are in, week@example.org', 'Bye']);
    storage.clock.set('2024-03-20T12:00:00Z'); // Wednesday of the same week
    expect(await enter('week@example.org')).toEqual([ALREADY_WEEK, 'Bye']);
    storage.clock.set('2024-03-24T22:59:00Z'); // Sunday 24 March, 23:59 in Paris: still that week
    expect(await enter('week@example.org')).toEqual([ALREADY_WEEK, 'Bye']);
    storage.clock.set('2024-03-24T23:00:00Z'); // Monday 25 March, 00:00 in Paris
    expect(await enter('week@example.org')).toEqual(['You are in, week@example.org', 'Bye']);
    expect(await rows()).toHaveLength(3);
  });

  it('unlimited: every entry is stored', async () => {
    const { enter, rows } = await setup({ frequency: 'unlimited' });
    for (let i = 0; i < 3; i += 1) expect(await enter('many@example.org')).toEqual(['You are in, many@example.org', 'Bye']);
    expect(await rows()).toHaveLength(3);
  });

  it('honours the entry window: closed before startsAt and from endsAt, open in between', async () => {
    storage.clock.set('2024-05-01T07:59:59Z'); // 09:59:59 in Paris
    const { enter, rows, workspace, flow } = await setup({ startsAt: '2024-05-01T10:00:00+02:00', endsAt: '2024-05-02T10:00:00+02:00', closedText: 'Closed' });
    expect(await enter('early@example.org')).toEqual(['Closed', 'Bye']);
    storage.clock.set('2024-05-01T08:00:00Z'); // startsAt is inclusive
    expect(await enter('early@example.org')).toEqual(['You are in, early@example.org', 'Bye']);
    storage.clock.set('2024-05-02T07:59:59Z');
    expect(await enter('late@example.org')).toEqual(['You are in, late@example.org', 'Bye']);
    storage.clock.set('2024-05-02T08:00:00Z'); // endsAt is exclusive
    expect(await enter('later@example.org')).toEqual(['Closed', 'Bye']);
    expect((await rows()).map((r) => r.personal?.email).sort()).toEqual(['early@example.org', 'late@example.org']);
    const log = (await listStoreRows(storage, workspace.id, 'runtime_log', { flowId: flow.id, order: 'asc' })).rows;
    expect(log.map((r) => r.data)).toEqual([
      { event: 'giveaway_closed', window: 'before' },
      { event: 'giveaway_entered', frequency: 'once' },
      { event: 'giveaway_entered', frequency: 'once' },
      { event: 'giveaway_closed', window: 'after' },
    ]);
  });

  it('without an email in the session the flow ends with a clear message, no entry stored and the attempt logged', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'no-email', {
      name: 'No email',
      steps: [
        { id: 'draw', module: 'giveaway', config: {}, next: 'bye' },
        { id: 'bye', module: 'message', config: { text: 'Bye' } },
      ],
    });
    const v = visitor('no-email');
    const turn = await v.start();
    expect(v.texts(turn)).toEqual([GIVEAWAY_DEFAULTS.noEmailText]);
    expect(turn.done).toBe(true);
    expect((await listStoreRows(storage, workspace.id, 'participations', { flowId: flow.id })).rows).toEqual([]);
    expect((await listStoreRows(storage, workspace.id, 'runtime_log', { flowId: flow.id })).rows.map((r) => r.data)).toEqual([{ event: 'giveaway_no_email' }]);
  });

  it('refuses a window that ends before it starts, and a workspace with storage off', async () => {
    const { workspace } = await flowSetup(storage);
    const bad = await saveTestFlow(storage, workspace, 'bad', raffle({ startsAt: '2024-05-02T00:00:00Z', endsAt: '2024-05-01T00:00:00Z' })).catch((e: ParleyError) => e);
    expect(bad).toMatchObject({ code: 'config_invalid', path: '/steps/1/config/endsAt' });
    const off = await flowSetup(storage, { workspace: { storageEnabled: false } });
    const refused = await saveTestFlow(storage, off.workspace, 'raffle', raffle()).catch((e: ParleyError) => e);
    expect(refused).toMatchObject({ code: 'storage_disabled', path: '/steps/1/module' });
  });
});
