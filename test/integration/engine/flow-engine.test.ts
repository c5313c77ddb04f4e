import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { closeTestFlow, flowSetup, registry, saveTestFlow } from '../../support/flow-harness.js';
import { validateFlowDocument } from '../../../core/flow-definition.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import { ParleyError } from '../../../core/errors.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage();
});
afterAll(async () => storage.destroy());

const quiz = {
  name: 'Quiz',
  steps: [
    { id: 'hello', module: 'message', config: { text: 'Hello World' }, next: 'pill' },
    { id: 'pill', module: 'choice', config: { text: 'Pick one', options: [{ id: 'red', label: 'Red pill', next: 'name' }, { id: 'blue', label: 'Blue pill', next: 'email' }] } },
    { id: 'name', module: 'text-question', config: { question: 'Your nickname?', variable: 'nick', maxLength: 10, pattern: '[a-z]+' }, next: 'bye' },
    { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'bye' },
    { id: 'bye', module: 'message', config: { text: 'Bye {{nick}}{{email}} <b>!</b>' } },
  ],
};

describe('flow engine', () => {
  it('walks a branching flow, validating replies, and stores what modules collect', async () => {
    const { workspace, engine, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'quiz', quiz);
    const v = visitor('quiz');
    const first = await v.start();
    expect(v.texts(first)).toEqual(['Hello World', 'Pick one']);
    expect(first.input).toEqual({ kind: 'choice', options: [{ id: 'red', label: 'Red pill' }, { id: 'blue', label: 'Blue pill' }] });

    const bad = await v.send('green');
    expect(bad).toEqual({ ok: false, error: { code: 'validation_failed', message: 'Please pick one of the options', path: '/value' } });
    await v.answer('red');
    expect(v.turn?.input).toMatchObject({ kind: 'text', maxLength: 10 });
    expect((await v.send('UPPER')).ok).toBe(false);
    expect((await v.send('waytoolongname')).ok).toBe(false);
    const done = await v.answer('neo');
    expect(v.texts(done)).toEqual(['Bye neo <b>!</b>']);
    expect(done.done).toBe(true);

    const rows = await listStoreRows(storage, workspace.id, 'variables');
    expect(rows.rows.map((r) => r.personal)).toEqual([{ nick: 'neo' }]);
    expect((await engine.reply(v.sessionId, { clientMessageId: 'late', value: 'x' }).catch((e: ParleyError) => e.code))).toBe('conflict');
  });

  it('asks for an email with the notice and terms link its step names, the notice filled from the variables', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'notice', {
      name: 'Notice',
      steps: [
        { id: 'pill', module: 'choice', config: { text: 'Pick one', variable: 'pill', options: [{ id: 'red', label: 'Red pill' }] }, next: 'email' },
        { id: 'email', module: 'email-capture', config: { question: 'Your email?', notice: 'Used for the {{pill}} draw only, kept 60 days.', termsUrl: 'https://brand.example/privacy', termsLabel: 'Privacy' } },
      ],
    });
    const v = visitor('notice');
    await v.start();
    const asked = await v.answer('red');
    expect(asked.input).toEqual({ kind: 'email', label: 'Email', placeholder: 'you@example.com', notice: 'Used for the red draw only, kept 60 days.', termsUrl: 'https://brand.example/privacy', termsLabel: 'Privacy' });
  });

  it('processes a reply once even when delivered twice, concurrently', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'quiz', quiz);
    const v = visitor('quiz');
    await v.start();
    await v.answer('blue');
    const [a, b] = await Promise.all([v.send('Ann@Example.org', 'same-id'), v.send('Ann@Example.org', 'same-id')]);
    expect(a).toEqual(b);
    expect(a.ok && a.turn.seq).toBe(3);
    const rows = await listStoreRows(storage, workspace.id, 'variables');
    expect(rows.rows.map((r) => r.personal)).toEqual([{ email: 'ann@example.org' }]);
  });

  it('resumes a session from its token at the same step', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'quiz', quiz);
    const v = visitor('quiz');
    await v.start();
    await v.answer('red');
    const resumed = visitor('quiz');
    const turn = await resumed.start(v.resumeToken);
    expect(resumed.sessionId).toBe(v.sessionId);
    expect(turn).toEqual(v.turn);
    expect(v.texts(await resumed.answer('trinity'))).toEqual(['Bye trinity <b>!</b>']);
  });

  it('keeps a session on the flow version it started on when the flow is saved again', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'quiz', quiz);
    const early = visitor('quiz');
    await early.start();
    await early.answer('red');
    // Version 2 drops the nickname step and changes the goodbye; a session of version 1 waits at 'name'.
    const v2 = { ...quiz, steps: [quiz.steps[0], { ...quiz.steps[1], config: { text: 'Pick one', options: [{ id: 'red', label: 'Red pill', next: 'bye' }, { id: 'blue', label: 'Blue pill', next: 'bye' }] } }, { id: 'bye', module: 'message', config: { text: 'See you' } }] };
    await saveTestFlow(storage, workspace, 'quiz', v2);
    expect(early.texts(await early.answer('neo'))).toEqual(['Bye neo <b>!</b>']);

    const late = visitor('quiz');
    await late.start();
    expect(late.texts(await late.answer('red'))).toEqual(['See you']);
    const versions = await storage.db.selectFrom('chat_sessions').select(['id', 'flow_version']).where('workspace_id', '=', workspace.id).execute();
    expect(Object.fromEntries(versions.map((r) => [r.id, r.flow_version]))).toEqual({ [early.sessionId]: 1, [late.sessionId]: 2 });
  });

  it('refuses a reply once the flow is closed, though this process kept the session from its previous turn', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'quiz', quiz);
    const v = visitor('quiz');
    await v.start();
    await closeTestFlow(storage, workspace, 'quiz');
    const refused = await v.send('red').catch((e: ParleyError) => e);
    expect(refused).toBeInstanceOf(ParleyError);
    expect((refused as ParleyError).code).toBe('flow_closed');
  });

  it('refuses a reply on a kept session once its flow closed by the clock or the session expired, writing nothing of it', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    storage.clock.set('2026-10-01T12:00:00Z');
    const ask = { name: 'Ask', steps: [{ id: 'q', module: 'text-question', config: { question: 'Nickname?', variable: 'nick' }, next: 'bye' }, { id: 'bye', module: 'message', config: { text: 'Bye' } }] };
    await saveTestFlow(storage, workspace, 'window', { ...ask, closesAt: '2026-10-01T13:00:00Z' });
    await saveTestFlow(storage, workspace, 'lasting', ask);
    const late = visitor('window');
    await late.start();
    const forgotten = visitor('lasting');
    await forgotten.start();

    storage.clock.set('2026-10-01T13:00:01Z');
    expect(((await late.send('abc').catch((e: ParleyError) => e)) as ParleyError).code).toBe('flow_closed');
    storage.clock.set('2028-10-01T12:00:00Z');
    expect(((await forgotten.send('abc').catch((e: ParleyError) => e)) as ParleyError).code).toBe('not_found');
    const rows = await listStoreRows(storage, workspace.id, 'variables', { limit: 10 });
    expect(rows.rows.filter((r) => r.sessionId === late.sessionId || r.sessionId === forgotten.sessionId)).toEqual([]);
  });

  it('refuses closed flows and flows outside their window', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    await saveTestFlow(storage, workspace, 'closed', { ...quiz, status: 'closed' });
    await saveTestFlow(storage, workspace, 'later', { ...quiz, opensAt: new Date(storage.clock.now().getTime() + 3_600_000).toISOString() });
    for (const slug of ['closed', 'later']) {
      const error = await visitor(slug).start().catch((e: ParleyError) => e);
      expect((error as ParleyError).code).toBe('flow_closed');
    }
    expect(((await visitor('missing').start().catch((e: ParleyError) => e)) as ParleyError).code).toBe('not_found');
  });

  it('refuses a flow naming an unknown module or a bad config with the JSON path of the first error', () => {
    const refuse = (doc: unknown, storageEnabled = true) => {
      try {
        validateFlowDocument(doc, registry, { storageEnabled });
      } catch (error) {
        return { code: (error as ParleyError).code, path: (error as ParleyError).path };
      }
      return 'accepted';
    };
    expect(refuse({ name: 'x', steps: [{ id: 'a', module: 'teleport', config: {} }] })).toEqual({ code: 'module_unknown', path: '/steps/0/module' });
    expect(refuse({ name: 'x', steps: [{ id: 'a', module: 'message', config: { text: 'hi', colour: 'red' } }] })).toEqual({ code: 'validation_failed', path: '/steps/0/config/colour' });
    expect(refuse({ name: 'x', steps: [{ id: 'a', module: 'message', config: {} }] })).toEqual({ code: 'validation_failed', path: '/steps/0/config/text' });
    expect(refuse({ name: 'x', steps: [{ id: 'a', module: 'message', config: { text: 'hi' }, next: 'nowhere' }] })).toEqual({ code: 'config_invalid', path: '/steps/0/next' });
    expect(refuse({ name: 'x', steps: [{ id: 'a', module: 'choice', config: { options: [{ id: 'o', label: 'O', next: 'zz' }] } }] })).toEqual({ code: 'config_invalid', path: '/steps/0/config/options/0/next' });
    expect(refuse({ name: 'x', steps: [{ id: 'a', module: 'text-question', config: { question: 'q', variable: 'v', pattern: '(' } }] })).toEqual({ code: 'config_invalid', path: '/steps/0/config/pattern' });
    expect(refuse({ name: 'x', steps: [{ id: 'a', module: 'message', config: { text: 'a' } }, { id: 'a', module: 'message', config: { text: 'b' } }] })).toEqual({ code: 'config_invalid', path: '/steps/1/id' });
    expect(refuse({ name: 'x', steps: [{ id: 'e', module: 'email-capture', config: { question: 'q', termsUrl: 'javascript:alert(1)' } }] })).toEqual({ code: 'validation_failed', path: '/steps/0/config/termsUrl' });
  });

  it('with storage off the flow still runs, personal values stay out of the database', async () => {
    const { workspace, visitor } = await flowSetup(storage, { workspace: { storageEnabled: false } });
    await saveTestFlow(storage, workspace, 'quiz', quiz);
    const v = visitor('quiz');
    await v.start();
    await v.answer('blue');
    const done = await v.answer('off@example.org');
    expect(v.texts(done)).toEqual(['Bye off@example.org <b>!</b>']);
    const { tablesContaining } = await import('../../support/find-text.js');
    expect(await tablesContaining(storage.db, 'off@example.org')).toEqual([]);
    expect(await tablesContaining(storage.db, '192.0.2.7')).toEqual([]);
  });
});
