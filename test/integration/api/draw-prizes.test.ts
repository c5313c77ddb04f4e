import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { startTestServer } from '../../support/test-server.js';
import { contractCaller, OpenApiContract } from '../../support/openapi-contract.js';
import { flowSetup } from '../../support/flow-harness.js';
import type { RunningServer } from '../../../runtime/server.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-05-04T09:00:00Z') });
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
});
afterAll(async () => {
  await server?.close();
  await storage?.destroy();
});

const MUG = { id: 'mug', title: 'Mug', description: 'Ceramic, 33 cl' };

/** Two raffles in one flow, the first with a prize, the second without; three participants in both. */
async function raffles() {
  const { visitor, workspace } = await flowSetup(storage);
  const key = (await issueApiKey(storage.db, workspace.id, { name: 'prizes' })).key;
  const call = contractCaller(server.url, key, contract);
  const document = {
    name: 'Raffles',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'main' },
      { id: 'main', module: 'giveaway', config: { prize: MUG }, next: 'bonus' },
      { id: 'bonus', module: 'giveaway', config: {} },
    ],
  };
  expect((await call('saveFlow', 'PUT', '/flows/raffles', document)).status).toBe(201);
  for (const email of ['ann@example.org', 'bob@example.org', 'cy@example.org']) {
    storage.clock.advance(1000);
    const v = visitor('raffles');
    await v.start();
    await v.answer(email);
  }
  return call;
}

const giftExport = (scope: string) => ({
  name: 'Gifts',
  source: { flow: 'raffles' },
  scope,
  fields: [
    { field: 'form.email', column: 'EMAIL' },
    { field: 'gift.hash_id', column: 'GIFT_ID' },
    { field: 'gift.title', column: 'GIFT' },
    { field: 'gift.description', column: 'DESCRIPTION' },
  ],
  format: { type: 'csv' },
  fileNamePattern: '{export}',
});

describe('giveaway prizes', () => {
  it('a draw writes the prize its step names on each winner, and exports show it as the gift', async () => {
    const call = await raffles();
    const main = await call('createDraw', 'POST', '/flows/raffles/draws', { count: 2, stepId: 'main' });
    expect(main.status).toBe(201);
    // A flow-wide draw (the third participant: earlier winners are out) spans both raffles, which name different prizes: none.
    const everyone = await call('createDraw', 'POST', '/flows/raffles/draws', { count: 1 });
    expect(everyone.status).toBe(201);
    const preview = await call('previewExportDraft', 'POST', '/export-drafts/preview', giftExport('winning_participants'));
    expect(preview.status).toBe(200);
    const rows = preview.body.rows as string[][];
    // Two winners of the main draw with the mug; the flow-wide draw's winner has no prize.
    expect(rows.filter((row) => row[2] === 'Mug')).toHaveLength(2);
    expect(rows.filter((row) => row[2] === 'Mug').every((row) => row[1] === 'mug' && row[3] === 'Ceramic, 33 cl')).toBe(true);
    expect(rows).toHaveLength(3);
    expect(rows.find((row) => row[2] !== 'Mug')!.slice(2)).toEqual(['', '']);
  });

  it('refuses a prize without a title at its JSON path, and keeps the saved flow', async () => {
    const call = await raffles();
    const refused = await call('saveFlow', 'PUT', '/flows/raffles', {
      name: 'Raffles',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'main' },
        { id: 'main', module: 'giveaway', config: { prize: { id: 'mug' } } },
      ],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.path).toBe('/steps/1/config/prize/title');
    const saved = await call('getFlow', 'GET', '/flows/raffles');
    expect(saved.body.steps[1].config.prize).toEqual(MUG);
  });
});
