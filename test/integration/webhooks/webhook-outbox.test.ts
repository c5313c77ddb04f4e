import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { closeTestFlow, flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { countStatements } from '../../support/statement-counter.js';
import type { Workspace } from '../../../storage/workspace-repository.js';
import { createWebhookEndpoint, updateWebhookEndpoint } from '../../../storage/webhook-endpoint-repository.js';
import { dispatchWebhookEvents } from '../../../storage/webhook-outbox.js';
import { loadWebhookEventSource } from '../../../storage/webhook-event-source.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { confirmConsent, createConfirmation, loadPendingMail } from '../../../storage/consent-repository.js';
import { drawGiveawayWinners } from '../../../storage/giveaway-draw-repository.js';
import { sweepExpired } from '../../../storage/sweeper.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { webhookPayload } from '../../../exporter/webhooks/webhook-payload.js';
import type { WebhookEventType } from '../../../core/webhook-events.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-09-01T12:00:00Z') });
});
afterAll(async () => storage.destroy());

const PLAY = {
  name: 'Play',
  opensAt: '2026-09-01T11:00:00Z',
  closesAt: '2026-09-01T13:00:00Z',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'entry' },
    { id: 'entry', module: 'giveaway', config: { frequency: 'unlimited' }, next: 'win' },
    { id: 'win', module: 'instant-win', config: { prizes: [{ id: 'mug', title: 'Mug', stock: 50 }], winText: 'WIN', loseText: 'LOSE' } },
  ],
};

async function subscribe(workspace: Workspace, events: WebhookEventType[], enabled = true) {
  return (await createWebhookEndpoint(storage, workspace.id, { url: 'https://hooks.example.org/x', description: '', events, includePersonal: false, enabled })).endpoint;
}

async function eventsOf(workspace: Workspace): Promise<Array<{ type: string; source_table: string | null; source_id: string | null }>> {
  const result = await sql<{ type: string; source_table: string | null; source_id: string | null }>`
    select type, source_table, source_id from webhook_events where workspace_id = ${workspace.id} order by created_at, type`.execute(storage.db);
  return result.rows;
}

/** Statements and round trips of the email turn (giveaway entry + instant-win claim) of a second visitor, caches warm. */
async function emailTurnStatements(setup: Awaited<ReturnType<typeof flowSetup>>, email: string): Promise<{ statements: number; roundTrips: number }> {
  const counter = countStatements(storage.pool);
  const warm = setup.visitor('play');
  await warm.start();
  await warm.answer(`warm-${email}`);
  const v = setup.visitor('play');
  await v.start();
  counter.reset();
  const turn = await v.answer(email);
  expect(v.texts(turn)).toContain('WIN');
  return { statements: counter.count, roundTrips: counter.roundTrips };
}

describe('the webhook outbox', () => {
  it("is written by the turn's own statement: the same statements and round trips per turn with or without subscribed endpoints", async () => {
    storage.clock.set(new Date('2026-09-01T13:00:00Z').getTime() - 1);
    const without = await flowSetup(storage);
    await saveTestFlow(storage, without.workspace, 'play', PLAY);
    const withHooks = await flowSetup(storage);
    await saveTestFlow(storage, withHooks.workspace, 'play', PLAY);
    await subscribe(withHooks.workspace, ['participation.created', 'instant_win.won']);
    await subscribe(withHooks.workspace, ['flow.closed']);

    const plain = await emailTurnStatements(without, 'a@example.org');
    const hooked = await emailTurnStatements(withHooks, 'b@example.org');
    expect(hooked).toEqual(plain);

    expect(await eventsOf(without.workspace)).toEqual([]);
    const events = await eventsOf(withHooks.workspace);
    // Two visitors: each a giveaway entry and an instant-win play (participations), one win each.
    expect(events.filter((e) => e.type === 'participation.created').map((e) => e.source_table).sort()).toEqual(['instant_win_claims', 'instant_win_claims', 'participations', 'participations']);
    expect(events.filter((e) => e.type === 'instant_win.won')).toHaveLength(2);
    const row = JSON.stringify((await sql`select * from webhook_events where workspace_id = ${withHooks.workspace.id}`.execute(storage.db)).rows);
    expect(row).not.toContain('@example.org');
  });

  it('writes nothing for a disabled endpoint or an event no endpoint subscribes to, nor with storage off', async () => {
    const setup = await flowSetup(storage);
    await saveTestFlow(storage, setup.workspace, 'play', PLAY);
    const endpoint = await subscribe(setup.workspace, ['participation.created'], false);
    await subscribe(setup.workspace, ['giveaway.drawn']);
    const v = setup.visitor('play');
    await v.start();
    await v.answer('c@example.org');
    expect(await eventsOf(setup.workspace)).toEqual([]);
    await updateWebhookEndpoint(storage, setup.workspace.id, endpoint.id, { enabled: true });
    const again = setup.visitor('play');
    await again.start();
    await again.answer('d@example.org');
    expect((await eventsOf(setup.workspace)).map((e) => e.type)).toEqual(['participation.created', 'participation.created']);
  });

  it('records consent.confirmed, giveaway.drawn and flow.closed in the transactions that make them, with payloads that hold personal fields only on opt-in', async () => {
    const setup = await flowSetup(storage);
    const { workspace } = setup;
    storage.clock.set(new Date('2026-09-01T13:00:00Z').getTime() - 1);
    const flow = await saveTestFlow(storage, workspace, 'play', PLAY);
    await subscribe(workspace, ['consent.confirmed', 'giveaway.drawn', 'flow.closed']);

    const email = 'consenting@example.org';
    const consent = await writeStoreRow(storage, workspace.id, { table: 'consents', moduleId: 'consent', defaultRetentionDays: 30, flowId: flow.id, data: { is_optin: 1 }, personal: { email }, subject: email });
    if (!consent.stored) throw new Error('not stored');
    const confirmation = await createConfirmation(storage, workspace.id, { consentId: consent.id, message: { subject: 'S', text: '{{link}}' }, expiresAt: new Date(storage.clock.now().getTime() + 86_400_000) });
    const pending = await loadPendingMail(storage, confirmation);
    if (pending.status !== 'ready') throw new Error('no mail');
    expect(await confirmConsent(storage, pending.token)).toBe('confirmed');
    expect(await confirmConsent(storage, pending.token)).toBe('already_confirmed');

    for (const visitor of ['p1@example.org', 'p2@example.org']) {
      const v = setup.visitor('play');
      await v.start();
      await v.answer(visitor);
    }
    const draw = await drawGiveawayWinners(storage, { workspaceId: workspace.id, flowId: flow.id, moduleId: 'giveaway', stepId: 'entry', count: 1, now: storage.clock.now(), drawnBy: (await issueApiKey(storage.db, workspace.id)).id });
    await closeTestFlow(storage, workspace, 'play');
    await closeTestFlow(storage, workspace, 'play');

    const events = await eventsOf(workspace);
    // All at one instant of the manual clock: listed by type. A second close records nothing.
    expect(events).toEqual([
      { type: 'consent.confirmed', source_table: 'consents', source_id: consent.id },
      { type: 'flow.closed', source_table: 'flows', source_id: flow.id },
      { type: 'giveaway.drawn', source_table: 'giveaway_draws', source_id: draw.drawId },
    ]);

    const stored = await sql<{ id: string; type: WebhookEventType; created_at: Date; flow_id: string | null; source_table: string | null; source_id: string | null }>`
      select * from webhook_events where workspace_id = ${workspace.id} order by created_at, type`.execute(storage.db);
    const payloads = async (includePersonal: boolean) =>
      Promise.all(stored.rows.map(async (e) => webhookPayload(
        { id: e.id, type: e.type, createdAt: e.created_at, workspaceId: workspace.id },
        await loadWebhookEventSource(storage, { workspaceId: workspace.id, flowId: e.flow_id, sourceTable: e.source_table, sourceId: e.source_id }, includePersonal),
      )));
    const [confirmed, closed, drawn] = await payloads(false);
    expect(confirmed!.data).toMatchObject({ flow: { slug: 'play' }, consent: { id: consent.id, table: 'consents', data: { is_optin: 2 } } });
    expect(drawn!.data).toMatchObject({ flow: { id: flow.id }, draw: { id: draw.drawId, stepId: 'entry', participants: 2, winners: [{ table: 'winners' }] } });
    expect(closed!.data).toMatchObject({ flow: { id: flow.id, slug: 'play', status: 'closed' } });
    expect(JSON.stringify([confirmed, drawn, closed])).not.toContain('@example.org');
    const [confirmedPersonal, , drawnPersonal] = await payloads(true);
    expect(confirmedPersonal!.data).toMatchObject({ consent: { personal: { email } } });
    expect((drawnPersonal!.data.draw as { winners: Array<{ personal: { email: string } }> }).winners[0]!.personal.email).toMatch(/^p[12]@example\.org$/);
  });

  it('fans events out once per subscribed endpoint, and the sweeper purges the log when it expires', async () => {
    const setup = await flowSetup(storage);
    storage.clock.set(new Date('2026-09-01T13:00:00Z').getTime() - 1);
    await saveTestFlow(storage, setup.workspace, 'play', PLAY);
    await subscribe(setup.workspace, ['participation.created']);
    await subscribe(setup.workspace, ['participation.created', 'instant_win.won']);
    const v = setup.visitor('play');
    await v.start();
    await v.answer('fan@example.org');
    const created = await dispatchWebhookEvents(storage);
    // Two entries to both endpoints, one win to the second.
    expect(created.filter((d) => d.workspaceId === setup.workspace.id)).toHaveLength(5);
    expect(await dispatchWebhookEvents(storage)).toEqual([]);

    const count = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where workspace_id = ${setup.workspace.id}`.execute(storage.db)).rows[0]!.n);
    expect(await sweepExpired(storage.db, { now: new Date('2026-09-30T00:00:00Z') })).toMatchObject({ webhookLogRowsDeleted: 0 });
    expect(await count('webhook_deliveries')).toBe(5);
    const report = await sweepExpired(storage.db, { now: new Date('2026-10-02T00:00:00Z'), batchSize: 2 });
    expect(report.webhookLogRowsDeleted).toBeGreaterThanOrEqual(8);
    expect(await count('webhook_deliveries')).toBe(0);
    expect(await count('webhook_events')).toBe(0);
  });
});
