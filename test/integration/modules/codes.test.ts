import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import { addCodes, assignCode, codePoolStats } from '../../../storage/code-pool-repository.js';
import type { ParleyError } from '../../../core/errors.js';
import { CODES_DEFAULTS, type CodesConfig } from '../../../modules/codes/codes-module.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage();
});
afterAll(async () => storage.destroy());

/** A flow asking for an email, then the codes step, then a goodbye that shows the code variable. */
async function setup(config: CodesConfig, options: { email?: boolean } = {}) {
  const { workspace, visitor } = await flowSetup(storage);
  const steps = [
    ...(options.email ? [{ id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'codes' }] : []),
    { id: 'codes', module: 'codes', config, next: 'bye' },
    { id: 'bye', module: 'message', config: { text: 'Bye ({{code}})' } },
  ];
  const flow = await saveTestFlow(storage, workspace, 'codes', { name: 'Codes', steps });
  const pool = { workspaceId: workspace.id, flowId: flow.id, stepId: 'codes' };
  const upload = (codes: string[]) => addCodes(storage.db, workspace.id, flow.id, 'codes', codes, storage.clock.now());
  const rows = async () => (await listStoreRows(storage, workspace.id, 'codes', { flowId: flow.id, limit: 1000, order: 'asc' })).rows;
  return { workspace, flow, visitor, pool, upload, rows };
}

describe('codes module: distribute', () => {
  it('200 concurrent sessions on a pool of 150: exactly 150 distinct codes handed out, 50 told the pool is exhausted', async () => {
    const { visitor, pool, upload, rows } = await setup({ mode: 'distribute', text: 'Your code is {{code}}' });
    const codes = Array.from({ length: 150 }, (_, i) => `CODE-${String(i).padStart(3, '0')}`);
    expect(await upload(codes)).toEqual({ added: 150, duplicates: 0 });
    // Load the workspace key first: a cold keyring reads it through the pool, which 200 open turns exhaust.
    await storage.keyring.lookupHash(pool.workspaceId, 'warm-up');
    const turns = await Promise.all(Array.from({ length: 200 }, () => visitor('codes').start()));
    const first = turns.map((t) => (t.messages[0]?.kind === 'text' ? t.messages[0].text : ''));
    const handed = first.filter((text) => text.startsWith('Your code is ')).map((text) => text.slice('Your code is '.length));
    expect(handed).toHaveLength(150);
    expect(new Set(handed)).toEqual(new Set(codes));
    expect(first.filter((text) => text === CODES_DEFAULTS.exhaustedText)).toHaveLength(50);
    expect(await codePoolStats(storage.db, pool)).toEqual({ total: 150, assigned: 150, available: 0 });
    const stored = await rows();
    expect(stored).toHaveLength(150);
    expect(new Set(stored.map((r) => r.data.code))).toEqual(new Set(codes));
    expect(stored[0]).toMatchObject({ moduleId: 'codes', stepId: 'codes', data: { pool: 'codes', mode: 'distribute' }, personal: null });
  });

  it('hands out codes in upload order, links the stored row to the email when known, and says when the pool is empty', async () => {
    const { workspace, visitor, upload, rows } = await setup({ mode: 'distribute' }, { email: true });
    await upload(['first', 'second']);
    const texts: string[][] = [];
    for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) {
      const v = visitor('codes');
      await v.start();
      texts.push(v.texts(await v.answer(email)));
    }
    expect(texts).toEqual([['Your code: first', 'Bye (first)'], ['Your code: second', 'Bye (second)'], [CODES_DEFAULTS.exhaustedText, 'Bye ()']]);
    const { findSubjectRows } = await import('../../../storage/store-reader.js');
    const mine = await findSubjectRows(storage, workspace.id, 'b@example.org');
    expect(mine.filter((r) => r.table === 'codes').map((r) => r.data.code)).toEqual(['second']);
    expect(await rows()).toHaveLength(2);
  });

  it('gives only eligible sessions a code (requireVariable), and the same code again when a session comes back to the step', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'reward', {
      name: 'Reward',
      steps: [
        { id: 'menu', module: 'choice', config: { text: 'Play?', variable: 'won', options: [{ id: 'yes', label: 'Yes', next: 'reward' }, { id: 'skip', label: 'Skip', next: 'gate' }] } },
        { id: 'gate', module: 'codes', config: { mode: 'distribute', requireVariable: 'lost', notEligibleText: 'No code for you' }, next: 'menu' },
        { id: 'reward', module: 'codes', config: { mode: 'distribute', requireVariable: 'won' }, next: 'menu' },
      ],
    });
    await addCodes(storage.db, workspace.id, flow.id, 'reward', ['R1', 'R2'], storage.clock.now());
    await addCodes(storage.db, workspace.id, flow.id, 'gate', ['G1'], storage.clock.now());
    const v = visitor('reward');
    await v.start();
    expect(v.texts(await v.answer('skip'))).toEqual(['No code for you', 'Play?']);
    expect(v.texts(await v.answer('yes'))).toEqual(['Your code: R1', 'Play?']);
    expect(v.texts(await v.answer('yes'))).toEqual(['Your code: R1', 'Play?']);
    expect(await codePoolStats(storage.db, { workspaceId: workspace.id, flowId: flow.id, stepId: 'reward' })).toEqual({ total: 2, assigned: 1, available: 1 });
    expect(await codePoolStats(storage.db, { workspaceId: workspace.id, flowId: flow.id, stepId: 'gate' })).toEqual({ total: 1, assigned: 0, available: 1 });
    expect((await listStoreRows(storage, workspace.id, 'codes', { flowId: flow.id })).rows.map((r) => r.data.code)).toEqual(['R1']);
  });
  // Each hand-out starts its walk of the free codes at the last code this process handed out
  // (storage/walk-starts.ts): a code that a rolled-back turn took stays free behind that start.
  it('hands out a code that a rolled-back turn took once the codes past it are gone, or a second after its start was found', async () => {
    const { pool, upload } = await setup({ mode: 'distribute' });
    await upload(['A', 'B', 'C', 'D', 'E']);
    const at = storage.clock.now();
    const assign = (db: typeof storage.db, ms = 0) => assignCode(db, pool, crypto.randomUUID(), new Date(at.getTime() + ms)).then((a) => a?.code ?? null);
    const leaveBehind = () =>
      storage.db.transaction().execute(async (trx) => {
        const first = await assign(trx);
        expect(await assign(storage.db)).not.toBe(first);
        throw new Error(`the turn that took ${first} failed`);
      });
    await expect(leaveBehind()).rejects.toThrow('the turn that took A failed');
    // B went to the other session; the start is at B, so C goes next and A waits.
    expect(await assign(storage.db, 1000)).toBe('C');
    // A second later than the walk from the first code, the next hand-out walks from it again.
    expect(await assign(storage.db, 1001)).toBe('A');
    await expect(leaveBehind()).rejects.toThrow('the turn that took D failed');
    // E went to the other session: nothing is free past it, so the same statement walks from the first code.
    expect(await assign(storage.db, 1001)).toBe('D');
    expect(await assign(storage.db, 1001)).toBeNull();
  });
});

describe('codes module: check', () => {
  it('accepts a listed code in any case and spacing, refuses others with a message while the session goes on', async () => {
    const { visitor, upload, rows } = await setup({ mode: 'check', question: 'Your access code?' });
    await upload(['Summer-2024', 'VIP']);
    const v = visitor('codes');
    expect(v.texts(await v.start())).toEqual(['Your access code?']);
    expect(v.turn?.input).toMatchObject({ kind: 'text', maxLength: 64 });
    expect(await v.send('winter-2024')).toEqual({ ok: false, error: { code: 'validation_failed', message: CODES_DEFAULTS.invalidText, path: '/value' } });
    expect(await v.send('   ')).toEqual({ ok: false, error: { code: 'validation_failed', message: 'Please enter your code', path: '/value' } });
    const done = await v.answer('  sUMMER-2024 ');
    expect(v.texts(done)).toEqual(['Bye (Summer-2024)']);
    // Each row carries the session's device facts and time spent (a flow without entries exports them).
    const session = { device: { mobile: false, browser: 'Test' }, chrono: 0 };
    expect((await rows()).map((r) => r.data)).toEqual([
      { pool: 'codes', mode: 'check', result: 'invalid', ...session },
      { pool: 'codes', mode: 'check', result: 'accepted', code: 'Summer-2024', ...session },
    ]);
    const again = visitor('codes');
    await again.start();
    expect(again.texts(await again.answer('vip'))).toEqual(['Bye (VIP)']);
  });

  it('single use: a code used by one session is refused to another; at the same moment only one of two gets it', async () => {
    const { visitor, upload, pool } = await setup({ mode: 'check', singleUse: true, acceptedText: 'Welcome' });
    await upload(['ONCE-1', 'ONCE-2']);
    const first = visitor('codes');
    await first.start();
    expect(first.texts(await first.answer('once-1'))).toEqual(['Welcome', 'Bye (ONCE-1)']);
    const second = visitor('codes');
    await second.start();
    expect(await second.send('ONCE-1')).toEqual({ ok: false, error: { code: 'validation_failed', message: CODES_DEFAULTS.usedText, path: '/value' } });

    const racers = [visitor('codes'), visitor('codes')];
    await Promise.all(racers.map((r) => r.start()));
    const acks = await Promise.all(racers.map((r) => r.send('once-2')));
    expect(acks.filter((a) => a.ok)).toHaveLength(1);
    expect(acks.filter((a) => !a.ok).map((a) => !a.ok && a.error.message)).toEqual([CODES_DEFAULTS.usedText]);
    expect(await codePoolStats(storage.db, pool)).toEqual({ total: 2, assigned: 2, available: 0 });
  });

  it('maxAttempts: after that many failed codes the conversation ends with a message', async () => {
    const { visitor, upload } = await setup({ mode: 'check', maxAttempts: 3, tooManyText: 'Too many tries' });
    await upload(['RIGHT']);
    const v = visitor('codes');
    await v.start();
    expect((await v.send('wrong-1')).ok).toBe(false);
    expect((await v.send('wrong-2')).ok).toBe(false);
    const ended = await v.answer('wrong-3');
    expect(v.texts(ended)).toEqual(['Too many tries']);
    expect(ended.done).toBe(true);
    const other = visitor('codes');
    await other.start();
    expect((await other.send('wrong')).ok).toBe(false);
    expect(other.texts(await other.answer('right'))).toEqual(['Bye (RIGHT)']);
  });
});

describe('code pool uploads', () => {
  it('counts duplicates ignoring case (in the pool and within one upload) and keeps pools per step', async () => {
    const { upload, pool, workspace, flow } = await setup({ mode: 'distribute' });
    expect(await upload(['A1', ' b2 ', 'a1'])).toEqual({ added: 2, duplicates: 1 });
    expect(await upload(['B2', 'c3'])).toEqual({ added: 1, duplicates: 1 });
    expect(await codePoolStats(storage.db, pool)).toEqual({ total: 3, assigned: 0, available: 3 });
    expect(await addCodes(storage.db, workspace.id, flow.id, 'other-step', ['A1'], storage.clock.now())).toEqual({ added: 1, duplicates: 0 });
  });

  it('refuses codes that are empty, too long or not printable with the path of the first one, without storing any', async () => {
    const { upload, pool } = await setup({ mode: 'distribute' });
    for (const [codes, path] of [[['ok', ''], '/codes/1'], [['x'.repeat(65)], '/codes/0'], [['ok', 'ok2', 'bad\u0007'], '/codes/2'], [['tab\there'], '/codes/0']] as const) {
      const error = (await upload([...codes]).catch((e: ParleyError) => e)) as ParleyError;
      expect({ code: error.code, path: error.path }).toEqual({ code: 'validation_failed', path });
      expect(error.message).not.toContain('bad');
    }
    expect(await upload(['x'.repeat(64), 'Été 2024 ✓'])).toEqual({ added: 2, duplicates: 0 });
    expect(await codePoolStats(storage.db, pool)).toMatchObject({ total: 2 });
  });

  it('refuses a flow of another workspace', async () => {
    const mine = await setup({ mode: 'distribute' });
    const theirs = await setup({ mode: 'distribute' });
    const error = await addCodes(storage.db, mine.workspace.id, theirs.flow.id, 'codes', ['A'], storage.clock.now()).catch((e: ParleyError) => e);
    expect(error).toMatchObject({ code: 'not_found' });
  });

  it('refuses an option of the other mode with its path', async () => {
    const { workspace } = await flowSetup(storage);
    const error = await saveTestFlow(storage, workspace, 'bad', { name: 'Bad', steps: [{ id: 's', module: 'codes', config: { mode: 'distribute', singleUse: true } }] }).catch((e: ParleyError) => e);
    expect(error).toMatchObject({ code: 'config_invalid', path: '/steps/0/config/singleUse' });
  });
});
