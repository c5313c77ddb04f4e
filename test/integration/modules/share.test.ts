import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, registry, saveTestFlow, type TestVisitor } from '../../support/flow-harness.js';
import { csvExportOf, exportedCsv } from '../../support/csv-export.js';
import type { Condition } from '../../../exporter/conditions/condition.js';
import type { Workspace } from '../../../storage/workspace-repository.js';
import { flowFieldCatalogue } from '../../../exporter/catalogue/flow-field-catalogue.js';
import type { FlowDefinition } from '../../../core/flow-definition.js';

// A raffle whose participants may share the operation before entering: the export guide's
// "participants who have shared the operation on Facebook" is a condition on what the share step kept.
const RAFFLE = {
  name: 'Summer raffle',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'share' },
    {
      id: 'share',
      module: 'share',
      config: { text: 'Share for luck?', url: 'https://brand.example/summer', message: 'Win a trip', networks: ['facebook', 'x'], skipLabel: 'No thanks' },
      next: 'draw',
    },
    { id: 'draw', module: 'giveaway', config: { frequency: 'unlimited' } },
  ],
};

let storage: TestStorage;
let workspace: Workspace;
let visitor: (slug: string) => TestVisitor;

/** Sharers: each entry's email, the network's id and its name, kept by `conditions`. */
const sharers = (conditions: readonly Condition[]) => exportedCsv(storage, workspace, csvExportOf('summer', [['form.email', 'EMAIL'], ['form.shared_on', 'NETWORK'], ['form.shared_on_label', 'SHARED_ON']], conditions));

async function enter(email: string, share: string): Promise<void> {
  storage.clock.advance(60_000);
  const v = visitor('summer');
  await v.start();
  await v.answer(email);
  await v.answer(share);
}

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-07-01T08:00:00Z') });
  ({ workspace, visitor } = await flowSetup(storage));
  await saveTestFlow(storage, workspace, 'summer', RAFFLE);
  await enter('ann@example.org', 'facebook');
  await enter('bob@example.org', 'skip');
  await enter('carol@example.org', 'x');
});

afterAll(async () => {
  await storage?.destroy();
});

describe('share step in a chat', () => {
  it('asks with one link per network to its share page, and refuses a network it does not offer without storing anything', async () => {
    const v = visitor('summer');
    await v.start();
    const turn = await v.answer('dan@example.org');
    expect(v.texts(turn)).toEqual(['Share for luck?']);
    expect(turn.input).toEqual({
      kind: 'choice',
      options: [
        { id: 'facebook', label: 'Facebook', url: 'https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fbrand.example%2Fsummer' },
        { id: 'x', label: 'X', url: 'https://x.com/intent/post?url=https%3A%2F%2Fbrand.example%2Fsummer&text=Win+a+trip' },
        { id: 'skip', label: 'No thanks' },
      ],
    });
    const refused = await v.send('myspace');
    expect(refused).toEqual({ ok: false, error: { code: 'validation_failed', message: 'Please pick one of the buttons', path: '/value' } });
    const stored = await sql<{ n: string }>`select count(*) as n from store_variables where session_id = ${v.sessionId} and data->>'variable' = 'shared_on'`.execute(storage.db);
    expect(Number(stored.rows[0]!.n)).toBe(0);
  });

  it('exports the network each participant shared on, and only those who shared on Facebook under that condition', async () => {
    expect(await sharers([])).toEqual([
      ['EMAIL', 'NETWORK', 'SHARED_ON'],
      ['ann@example.org', 'facebook', 'Facebook'],
      ['bob@example.org', '', ''],
      ['carol@example.org', 'x', 'X'],
    ]);
    expect(await sharers([{ field: 'form.shared_on', operator: 'equals', value: 'facebook' }])).toEqual([
      ['EMAIL', 'NETWORK', 'SHARED_ON'],
      ['ann@example.org', 'facebook', 'Facebook'],
    ]);
    expect(await sharers([{ field: 'form.shared_on', operator: 'not_empty' }])).toEqual([
      ['EMAIL', 'NETWORK', 'SHARED_ON'],
      ['ann@example.org', 'facebook', 'Facebook'],
      ['carol@example.org', 'x', 'X'],
    ]);
  });

  it('offers the networks to conditions by name, and the names to the name field', () => {
    const fields = flowFieldCatalogue(RAFFLE as unknown as FlowDefinition, registry);
    const networks = [{ value: 'facebook', label: 'Facebook' }, { value: 'x', label: 'X' }, { value: 'linkedin', label: 'LinkedIn' }, { value: 'whatsapp', label: 'WhatsApp' }];
    expect(fields.find((f) => f.key === 'form.shared_on')?.values).toEqual(networks);
    expect(fields.find((f) => f.key === 'form.shared_on_label')?.values).toEqual(networks.map(({ label }) => ({ value: label, label })));
  });

  it('keeps the network sealed at rest', async () => {
    const rows = await sql<{ personal: Buffer; data: unknown }>`select personal, data from store_variables where data->>'variable' = 'shared_on'`.execute(storage.db);
    expect(rows.rows).toHaveLength(2);
    for (const row of rows.rows) {
      expect(row.data).toMatchObject({ variable: 'shared_on' });
      expect(row.personal.toString('latin1')).not.toMatch(/facebook|"x"/);
    }
  });
});
