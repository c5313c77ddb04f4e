import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { getInstantWinProof } from '../../../storage/instant-win-repository.js';
import { verifyCommitment } from '../../../modules/instant-win/instant-win-commitment.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-05-01T10:00:00Z') });
});
afterAll(async () => storage.destroy());

const game = (status: 'open' | 'closed') => ({
  name: 'Game',
  status,
  opensAt: '2026-05-01T00:00:00Z',
  closesAt: '2026-05-31T00:00:00Z',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'play' },
    { id: 'play', module: 'instant-win', config: { prizes: [{ id: 'cap', title: 'Cap', stock: 3 }] } },
  ],
});

describe('flow lifecycle', () => {
  it('regression: closing a flow by saving it closed runs the close hooks (the instant-win draw is revealed)', async () => {
    const { workspace } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'game', game('open'));
    const before = (await getInstantWinProof(storage.db, workspace.id, flow.id))![0]!;
    expect(before.revealed).toBeNull();
    await saveTestFlow(storage, workspace, 'game', game('closed'));
    const after = (await getInstantWinProof(storage.db, workspace.id, flow.id))![0]!;
    expect(after.commitment).toBe(before.commitment);
    expect(after.revealed).not.toBeNull();
    expect(verifyCommitment(after.commitment, after.revealed!)).toBe(true);
  });
});
