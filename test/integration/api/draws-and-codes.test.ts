import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { flowSetup, type TestVisitor } from '../../support/flow-harness.js';
import type { RunningServer } from '../../../runtime/server.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import { updateWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { verifyCommitment } from '../../../modules/instant-win/instant-win-commitment.js';

const T0 = new Date('2025-03-03T09:00:00.000Z');
const HOUR = 3_600_000;

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;

beforeAll(async () => {
  storage = await createTestStorage({ start: T0 });
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

/** A fresh workspace with its own API key and engine; `call` checks every response against the document. */
async function workspaceWithKey() {
  const setup = await flowSetup(storage);
  const key = (await issueApiKey(storage.db, setup.workspace.id, { name: 'draws-and-codes' })).key;
  const call = async (operationId: string, method: string, path: string, body?: unknown, expected?: number) => {
    const response = await api(server.url, key, method, `/api/v1${path}`, body);
    if (expected !== undefined) expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(expected);
    expect(contract.check(operationId, response.status, response.body), `${operationId} ${response.status}`).toEqual([]);
    return response;
  };
  return { ...setup, key, call };
}

type Call = Awaited<ReturnType<typeof workspaceWithKey>>['call'];

/** Email capture, then the given steps. */
function emailThen(steps: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) {
  return { name: 'Flow', steps: [{ id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: String(steps[0]!.id) }, ...steps], ...extra };
}

/** One visitor: a new session that gives its email and runs to the end of the flow. */
async function participate(visitor: TestVisitor, email: string): Promise<string[]> {
  await visitor.start();
  const turn = await visitor.answer(email);
  expect(turn.done).toBe(true);
  return visitor.texts(turn);
}

async function auditEntries(call: Call, action: string) {
  const log = await call('listAudit', 'GET', '/audit', undefined, 200);
  return (log.body.entries as Array<{ action: string; target: string; counts: Record<string, number> }>).filter((e) => e.action === action);
}

describe('giveaway draws through the admin API', () => {
  it('draws distinct winners among the participants, excludes them from the next draw, records and audits both, and never returns an email', async () => {
    const { workspace, visitor, call } = await workspaceWithKey();
    await call('saveFlow', 'PUT', '/flows/raffle', emailThen([{ id: 'entry', module: 'giveaway', config: {} }]), 201);
    const emails = ['ann@example.org', 'bob@example.org', 'cy@example.org', 'di@example.org', 'ed@example.org'];
    for (const email of emails) await participate(visitor('raffle'), email);
    await participate(visitor('raffle'), 'ANN@example.org'); // the same person again: refused by the module
    const participations = await listStoreRows(storage, workspace.id, 'participations', { limit: 100 });
    const refOf = new Map(participations.rows.map((r) => [r.participantRef!, r.personal!.email as string]));
    expect(refOf.size).toBe(5);

    const first = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 3 }, 201);
    expect(first.body.participants).toBe(5);
    expect(first.body.winners).toHaveLength(3);
    const firstRefs: string[] = first.body.winners.map((w: { participantRef: string }) => w.participantRef);
    expect(new Set(firstRefs).size).toBe(3);
    for (const ref of firstRefs) expect(refOf.has(ref)).toBe(true);

    const second = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 10, stepId: 'entry' }, 201);
    expect(second.body.participants).toBe(2);
    const secondRefs: string[] = second.body.winners.map((w: { participantRef: string }) => w.participantRef);
    expect([...firstRefs, ...secondRefs].sort()).toEqual([...refOf.keys()].sort());

    const winners = await listStoreRows(storage, workspace.id, 'winners', { limit: 100, order: 'asc' });
    expect(winners.rows.map((r) => r.id).sort()).toEqual([...first.body.winners, ...second.body.winners].map((w: { rowId: string }) => w.rowId).sort());
    expect(winners.rows.map((r) => r.personal?.email).sort()).toEqual([...emails].sort());
    expect(winners.rows.every((r) => r.data.source === 'giveaway-draw')).toBe(true);

    const listed = await call('listDraws', 'GET', '/flows/raffle/draws', undefined, 200);
    expect(listed.body.draws.map((d: { id: string }) => d.id)).toEqual([second.body.drawId, first.body.drawId]);
    expect(listed.body.draws[1]).toMatchObject({ stepId: null, requested: 3, drawn: 3, participants: 5 });
    expect(listed.body.draws[0]).toMatchObject({ stepId: 'entry', requested: 10, drawn: 2, participants: 2 });
    expect(await auditEntries(call, 'draw.created')).toEqual([
      expect.objectContaining({ target: 'raffle', counts: { winners: 2, participants: 2 } }),
      expect.objectContaining({ target: 'raffle', counts: { winners: 3, participants: 5 } }),
    ]);
    const everything = JSON.stringify([first.body, second.body, listed.body, await auditEntries(call, 'draw.created')]);
    expect(everything).not.toContain('@example.org');

    const third = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 1 }, 201);
    expect(third.body).toMatchObject({ participants: 0, winners: [] });
  });

  it('refuses an unknown flow (404), a flow without a giveaway step (409), a step that is not a giveaway and a bad count (400 with the path)', async () => {
    const { call } = await workspaceWithKey();
    expect((await call('createDraw', 'POST', '/flows/nowhere/draws', { count: 1 }, 404)).body.error.code).toBe('not_found');
    await call('listDraws', 'GET', '/flows/nowhere/draws', undefined, 404);
    await call('saveFlow', 'PUT', '/flows/chat', { name: 'Chat', steps: [{ id: 'hi', module: 'message', config: { text: 'Hi' } }] }, 201);
    const none = await call('createDraw', 'POST', '/flows/chat/draws', { count: 1 }, 409);
    expect(none.body.error).toMatchObject({ code: 'conflict', message: 'This flow has no giveaway step to draw winners from' });

    await call('saveFlow', 'PUT', '/flows/raffle', emailThen([{ id: 'entry', module: 'giveaway', config: {} }]), 201);
    const notGiveaway = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 1, stepId: 'email' }, 400);
    expect(notGiveaway.body.error).toMatchObject({ code: 'validation_failed', path: '/stepId' });
    expect((await call('createDraw', 'POST', '/flows/raffle/draws', { count: 1, stepId: 'ghost' }, 400)).body.error.path).toBe('/stepId');
    for (const count of [0, 10_001, 1.5, '3']) {
      expect((await call('createDraw', 'POST', '/flows/raffle/draws', { count }, 400)).body.error.path).toBe('/count');
    }
    expect((await call('createDraw', 'POST', '/flows/raffle/draws', {}, 400)).body.error.path).toBe('/count');
    expect((await call('listDraws', 'GET', '/flows/raffle/draws', undefined, 200)).body.draws).toEqual([]);
    expect(await auditEntries(call, 'draw.created')).toEqual([]);
  });

  it('refuses to draw while the workspace has storage switched off (409), recording nothing', async () => {
    const { workspace, visitor, call } = await workspaceWithKey();
    await call('saveFlow', 'PUT', '/flows/raffle', emailThen([{ id: 'entry', module: 'giveaway', config: {} }]), 201);
    await participate(visitor('raffle'), 'ann@example.org');
    await updateWorkspace(storage, workspace.id, { storageEnabled: false });
    const refused = await call('createDraw', 'POST', '/flows/raffle/draws', { count: 1 }, 409);
    expect(refused.body.error.code).toBe('storage_disabled');
    expect((await call('listDraws', 'GET', '/flows/raffle/draws', undefined, 200)).body.draws).toEqual([]);
  });
});

describe('instant-win proof through the admin API', () => {
  it('publishes the commitment while the flow runs and, after closure, the moments and salt that verify against it', async () => {
    const { visitor, call } = await workspaceWithKey();
    storage.clock.set(T0);
    const document = emailThen(
      [
        { id: 'win', module: 'instant-win', config: { prizes: [{ id: 'tee', title: 'a T-shirt', stock: 2 }, { id: 'mug', title: 'a mug', stock: 1 }], winText: 'Won {{prize}}', loseText: 'Lost' }, next: 'odds' },
        { id: 'odds', module: 'instant-win', config: { mode: 'odds', odds: 0.5, prizes: [{ id: 'pen', title: 'a pen', stock: 5 }], maxWinsPerParticipant: 10 } },
      ],
      { opensAt: T0.toISOString(), closesAt: new Date(T0.getTime() + HOUR).toISOString() },
    );
    await call('saveFlow', 'PUT', '/flows/game', document, 201);

    const open = await call('getInstantWinProof', 'GET', '/flows/game/instant-win/proof', undefined, 200);
    const flow = (await call('getFlow', 'GET', '/flows/game', undefined, 200)).body;
    expect(open.body.flowHashId).toBe(flow.hashId);
    expect(open.body.steps).toEqual([{ stepId: 'win', commitment: expect.stringMatching(/^[0-9a-f]{64}$/), committedAt: T0.toISOString(), revealedAt: null, revealed: null }]);
    const { commitment } = open.body.steps[0];

    storage.clock.set(T0.getTime() + HOUR - 1);
    const answers = [];
    for (const email of ['p1@example.org', 'p2@example.org', 'p3@example.org', 'p4@example.org']) answers.push((await participate(visitor('game'), email))[0]);
    expect(answers.filter((text) => text?.startsWith('Won '))).toHaveLength(3);
    expect((await call('getInstantWinProof', 'GET', '/flows/game/instant-win/proof', undefined, 200)).body.steps[0].revealed).toBeNull();

    await call('closeFlow', 'POST', '/flows/game/close', undefined, 200);
    const closed = await call('getInstantWinProof', 'GET', '/flows/game/instant-win/proof', undefined, 200);
    const [step] = closed.body.steps;
    expect(step).toMatchObject({ stepId: 'win', commitment, revealedAt: storage.clock.now().toISOString() });
    expect(step.revealed).toMatchObject({ flowHashId: flow.hashId, stepId: 'win', salt: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(step.revealed.moments.map((m: { prizeId: string }) => m.prizeId).sort()).toEqual(['mug', 'tee', 'tee']);
    for (const { moment } of step.revealed.moments) {
      expect(Date.parse(moment)).toBeGreaterThanOrEqual(T0.getTime());
      expect(Date.parse(moment)).toBeLessThan(T0.getTime() + HOUR);
    }
    expect(verifyCommitment(commitment, step.revealed)).toBe(true);
    const shifted = step.revealed.moments.map((m: { prizeId: string; moment: string }, i: number) => (i === 0 ? { ...m, moment: new Date(Date.parse(m.moment) + 1).toISOString() } : m));
    expect(verifyCommitment(commitment, { ...step.revealed, moments: shifted })).toBe(false);
    expect(verifyCommitment(commitment, { ...step.revealed, salt: '0'.repeat(32) })).toBe(false);
  });

  it('lists no step for a flow without a moments draw, and 404 for an unknown flow', async () => {
    const { call } = await workspaceWithKey();
    await call('saveFlow', 'PUT', '/flows/plain', { name: 'Plain', steps: [{ id: 'hi', module: 'message', config: { text: 'Hi' } }] }, 201);
    expect((await call('getInstantWinProof', 'GET', '/flows/plain/instant-win/proof', undefined, 200)).body.steps).toEqual([]);
    await call('getInstantWinProof', 'GET', '/flows/nowhere/instant-win/proof', undefined, 404);
  });
});

describe('code pools through the admin API', () => {
  const distribute = { name: 'Codes', steps: [{ id: 'hello', module: 'message', config: { text: 'Hello' }, next: 'reward' }, { id: 'reward', module: 'codes', config: { mode: 'distribute', text: 'Code {{code}}' } }] };

  it('adds codes (duplicates ignoring case skipped and counted), counts them, and hands them out through the engine', async () => {
    const { visitor, call } = await workspaceWithKey();
    await call('saveFlow', 'PUT', '/flows/codes', distribute, 201);
    expect((await call('getCodeStats', 'GET', '/flows/codes/steps/reward/codes', undefined, 200)).body).toEqual({ total: 0, assigned: 0, available: 0 });
    expect((await call('addCodes', 'POST', '/flows/codes/steps/reward/codes', { codes: ['A1', 'B2', 'a1', ' C3 '] }, 200)).body).toEqual({ added: 3, duplicates: 1 });
    expect((await call('addCodes', 'POST', '/flows/codes/steps/reward/codes', { codes: ['c3', 'D4'] }, 200)).body).toEqual({ added: 1, duplicates: 1 });
    expect((await call('getCodeStats', 'GET', '/flows/codes/steps/reward/codes', undefined, 200)).body).toEqual({ total: 4, assigned: 0, available: 4 });

    const handed = [];
    for (let i = 0; i < 2; i += 1) {
      const v = visitor('codes');
      handed.push(...v.texts(await v.start()));
    }
    expect(handed).toEqual(['Hello', 'Code A1', 'Hello', 'Code B2']);
    const stats = await call('getCodeStats', 'GET', '/flows/codes/steps/reward/codes', undefined, 200);
    expect(stats.body).toEqual({ total: 4, assigned: 2, available: 2 });
    expect(await auditEntries(call, 'codes.added')).toEqual([
      expect.objectContaining({ target: 'codes/reward', counts: { added: 1, duplicates: 1 } }),
      expect.objectContaining({ target: 'codes/reward', counts: { added: 3, duplicates: 1 } }),
    ]);
  });

  it('accepts a full upload of 100000 codes and refuses one more, with the path', async () => {
    const { call } = await workspaceWithKey();
    await call('saveFlow', 'PUT', '/flows/codes', distribute, 201);
    const codes = Array.from({ length: 100_000 }, (_, i) => `X${String(i).padStart(5, '0')}`);
    expect((await call('addCodes', 'POST', '/flows/codes/steps/reward/codes', { codes }, 200)).body).toEqual({ added: 100_000, duplicates: 0 });
    const tooMany = await call('addCodes', 'POST', '/flows/codes/steps/reward/codes', { codes: [...codes, 'Y'] }, 400);
    expect(tooMany.body.error).toMatchObject({ code: 'validation_failed', path: '/codes' });
    expect((await call('getCodeStats', 'GET', '/flows/codes/steps/reward/codes', undefined, 200)).body).toEqual({ total: 100_000, assigned: 0, available: 100_000 });
  }, 60_000);

  it('refuses an unknown flow or step (404), a step of another module and bad codes (400 with the path), never echoing a code', async () => {
    const { call } = await workspaceWithKey();
    await call('saveFlow', 'PUT', '/flows/codes', distribute, 201);
    await call('addCodes', 'POST', '/flows/nowhere/steps/reward/codes', { codes: ['A'] }, 404);
    await call('getCodeStats', 'GET', '/flows/nowhere/steps/reward/codes', undefined, 404);
    for (const [operationId, method, body] of [['addCodes', 'POST', { codes: ['A'] }], ['getCodeStats', 'GET', undefined]] as const) {
      expect((await call(operationId, method, '/flows/codes/steps/ghost/codes', body, 404)).body.error).toMatchObject({ code: 'not_found', path: '/params/stepId' });
      expect((await call(operationId, method, '/flows/codes/steps/hello/codes', body, 400)).body.error).toMatchObject({ code: 'validation_failed', path: '/params/stepId' });
    }
    const cases: Array<[unknown, string]> = [
      [{ codes: [] }, '/codes'],
      [{ codes: 'SECRET-1' }, '/codes'],
      [{ codes: ['OK-1', 'SECRET\u0007BELL'] }, '/codes/1'],
      [{ codes: ['OK-1', 'OK-2', `SECRET-${'x'.repeat(60)}`] }, '/codes/2'],
      [{ codes: ['OK-1', 42] }, '/codes/1'],
      [{ codes: ['OK-1', '   '] }, '/codes/1'],
      [{ codes: ['OK-1'], extra: true }, '/extra'],
    ];
    for (const [body, path] of cases) {
      const refused = await call('addCodes', 'POST', '/flows/codes/steps/reward/codes', body, 400);
      expect(refused.body.error.path).toBe(path);
      expect(JSON.stringify(refused.body)).not.toMatch(/SECRET|OK-1/);
    }
    expect((await call('getCodeStats', 'GET', '/flows/codes/steps/reward/codes', undefined, 200)).body).toEqual({ total: 0, assigned: 0, available: 0 });
    expect(await auditEntries(call, 'codes.added')).toEqual([]);
  });
});
