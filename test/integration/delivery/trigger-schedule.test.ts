import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GIVEAWAY_FLOW, startDeliveryFixture, type DeliveryFixture } from '../../support/delivery-fixture.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { listRuns } from '../../../storage/export-run-repository.js';
import { closeDueFlows } from '../../../runtime/engine/flow-closings.js';

let fixture: DeliveryFixture;

beforeAll(async () => {
  fixture = await startDeliveryFixture({ start: new Date('2026-10-23T12:00:00Z') });
  await fixture.play('ann@example.org', 'Ann');
});

afterAll(async () => {
  await fixture?.close();
});

const TEN_MINUTES = 10 * 60_000;

const triggered = (name: string, trigger: Record<string, unknown>, flow = 'spring') => ({
  name,
  source: { flow },
  fields: [{ field: 'form.email' }],
  format: { type: 'csv' },
  fileNamePattern: '{export}-{date:YYYYMMDD-HHmm}',
  destination: { kind: 'local', directory: 'scheduled' },
  trigger,
});

/**
 * Moves the manual clock from its current instant to `until` in 10-minute steps, calling the
 * minute tick at each step as every process would; returns the runs queued, with the tick that queued each.
 */
async function stepClock(until: string): Promise<Array<{ exportId: string; key: string; tick: string }>> {
  const queued: Array<{ exportId: string; key: string; tick: string }> = [];
  for (let now = fixture.storage.clock.now().getTime(); now <= Date.parse(until); now += TEN_MINUTES) {
    fixture.storage.clock.set(now);
    for (const run of await fixture.server.exports.tick(new Date(now))) {
      queued.push({ exportId: run.exportId, key: run.occurrenceKey!, tick: new Date(now).toISOString() });
    }
  }
  return queued;
}

/** Waits for every run of the export to finish, checks they all delivered, then deletes the export so later ticks ignore it. */
async function settleAndDelete(exportId: string): Promise<void> {
  for (const run of await fixture.runs(exportId)) expect((await fixture.waitForRun(exportId, run.id)).status).toBe('succeeded');
  expect((await fixture.call('DELETE', `/exports/${exportId}`)).status).toBe(204);
}

async function storedKeys(exportId: string): Promise<string[]> {
  return (await listRuns(fixture.storage, fixture.workspace.id, exportId, 500)).map((r) => r.occurrenceKey!).sort();
}

describe('time triggers on an injected clock', () => {
  it('daily at 02:30 Europe/Paris across the last Sunday of October 2026 (02:30 happens twice): one run per local day', async () => {
    const { id } = await fixture.createExport(triggered('Daily autumn', { type: 'daily', time: '02:30', mode: 'all' }));
    const queued = await stepClock('2026-10-27T12:00:00Z');
    expect(queued).toEqual([
      { exportId: id, key: 'daily:2026-10-24T02:30', tick: '2026-10-24T00:30:00.000Z' },
      { exportId: id, key: 'daily:2026-10-25T02:30', tick: '2026-10-25T00:30:00.000Z' }, // the first 02:30 (CEST); the second (CET) queues nothing
      { exportId: id, key: 'daily:2026-10-26T02:30', tick: '2026-10-26T01:30:00.000Z' },
      { exportId: id, key: 'daily:2026-10-27T02:30', tick: '2026-10-27T01:30:00.000Z' },
    ]);
    expect(await storedKeys(id)).toEqual(queued.map((q) => q.key));
    await settleAndDelete(id);
  });

  it('daily at 02:30 Europe/Paris across the last Sunday of March 2027 (02:30 does not exist): one run per local day', async () => {
    fixture.storage.clock.set('2027-03-26T12:00:00Z');
    const { id } = await fixture.createExport(triggered('Daily spring', { type: 'daily', time: '02:30', mode: 'all' }));
    const queued = await stepClock('2027-03-30T12:00:00Z');
    expect(queued).toEqual([
      { exportId: id, key: 'daily:2027-03-27T02:30', tick: '2027-03-27T01:30:00.000Z' },
      { exportId: id, key: 'daily:2027-03-28T02:30', tick: '2027-03-28T01:30:00.000Z' }, // 03:30 CEST, just after the gap
      { exportId: id, key: 'daily:2027-03-29T02:30', tick: '2027-03-29T00:30:00.000Z' },
      { exportId: id, key: 'daily:2027-03-30T02:30', tick: '2027-03-30T00:30:00.000Z' },
    ]);
    expect(await storedKeys(id)).toEqual(queued.map((q) => q.key));
    await settleAndDelete(id);
  });

  it('weekly fires once in a week and scheduled fires once, never again', async () => {
    fixture.storage.clock.set('2027-04-02T12:00:00Z');
    const weekly = await fixture.createExport(triggered('Weekly', { type: 'weekly', day: 'monday', time: '09:00' }));
    const scheduled = await fixture.createExport(triggered('Once', { type: 'scheduled', at: '2027-04-03T18:00' }));
    const queued = await stepClock('2027-04-09T12:00:00Z');
    expect(queued).toEqual([
      { exportId: scheduled.id, key: 'scheduled:2027-04-03T18:00', tick: '2027-04-03T16:00:00.000Z' },
      { exportId: weekly.id, key: 'weekly:2027-04-05T09:00', tick: '2027-04-05T07:00:00.000Z' },
    ]);
    const runs = await fixture.runs(scheduled.id);
    expect(runs.map((r) => r.trigger)).toEqual(['scheduled']);
    await settleAndDelete(weekly.id);
    await settleAndDelete(scheduled.id);
  });

  it('an export at closure runs when the flow is closed through the API, once', async () => {
    await saveTestFlow(fixture.storage, fixture.workspace, 'autumn', GIVEAWAY_FLOW);
    const { id } = await fixture.createExport(triggered('At closure', { type: 'closure' }, 'autumn'));
    expect(await fixture.runs(id)).toEqual([]);
    expect(await stepClock(new Date(fixture.storage.clock.now().getTime() + 2 * TEN_MINUTES).toISOString())).toEqual([]);
    expect((await fixture.call('POST', '/flows/autumn/close')).status).toBe(200);
    const [run] = await fixture.runs(id);
    expect(run).toMatchObject({ trigger: 'closure' });
    expect((await fixture.waitForRun(id, run!.id)).status).toBe('succeeded');
    expect((await fixture.call('POST', '/flows/autumn/close')).status).toBe(200);
    expect(await fixture.runs(id)).toHaveLength(1);
  });

  it('a flow closes at its closing time with no one closing it by hand: its export at closure runs then, once', async () => {
    const logged: unknown[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (record: unknown) => void logged.push(record) };
    const closesAt = new Date(fixture.storage.clock.now().getTime() + 25 * 60_000);
    await saveTestFlow(fixture.storage, fixture.workspace, 'winter', { ...GIVEAWAY_FLOW, name: 'Winter draw', closesAt: closesAt.toISOString() });
    const { id } = await fixture.createExport(triggered('At the closing time', { type: 'closure' }, 'winter'));
    // A millisecond before its closing time the flow stays open, whatever runs the closings.
    fixture.storage.clock.set(closesAt.getTime() - 1);
    expect(await closeDueFlows(fixture.server.flows, logger)).toEqual([]);
    expect((await fixture.call('GET', '/flows/winter')).body).toMatchObject({ status: 'open', closedAt: null });
    expect(await fixture.runs(id)).toEqual([]);

    fixture.storage.clock.set(closesAt.getTime() + 30_000);
    // This call closes it, unless the server's own minute cron (the same call) just did.
    await closeDueFlows(fixture.server.flows, logger);
    const flow = (await fixture.call('GET', '/flows/winter')).body;
    expect(flow).toMatchObject({ status: 'closed', closesAt: closesAt.toISOString(), closedAt: new Date(closesAt.getTime() + 30_000).toISOString() });
    const [run] = await fixture.runs(id);
    expect(run).toMatchObject({ trigger: 'closure' });
    expect((await fixture.waitForRun(id, run!.id)).status).toBe('succeeded');
    // Later calls (every process's minute cron) find nothing more to close and run nothing more.
    fixture.storage.clock.advance(60_000);
    expect(await closeDueFlows(fixture.server.flows, logger)).toEqual([]);
    expect(await fixture.runs(id)).toHaveLength(1);
    expect(logged).toEqual([]);
    expect((await fixture.call('DELETE', `/exports/${id}`)).status).toBe(204);
  });

  it('an immediate export runs on save, and again when it is replaced', async () => {
    await fixture.play('bob@example.org', 'Bob'); // Ann's entry of October has expired by now (60 days)
    const definition = triggered('Right away', { type: 'immediate' });
    const { id } = await fixture.createExport(definition);
    const [first] = await fixture.runs(id);
    expect(first).toMatchObject({ trigger: 'immediate' });
    expect((await fixture.waitForRun(id, first!.id)).rows).toBe(1);
    expect(await stepClock(new Date(fixture.storage.clock.now().getTime() + 2 * TEN_MINUTES).toISOString())).toEqual([]);
    expect((await fixture.call('PUT', `/exports/${id}`, { ...definition, fields: [{ field: 'form.email' }, { field: 'form.nickname' }] })).status).toBe(200);
    const runs = await fixture.runs(id);
    expect(runs.map((r) => [r.run, r.trigger])).toEqual([[2, 'immediate'], [1, 'immediate']]);
    expect((await fixture.waitForRun(id, runs[0]!.id)).status).toBe('succeeded');
  });
});
