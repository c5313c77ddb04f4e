import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, registry, saveTestFlow } from '../../support/flow-harness.js';
import { listStoreRows } from '../../../storage/store-reader.js';
import { csvExportOf, exportedCsv } from '../../support/csv-export.js';
import { flowFieldCatalogue } from '../../../exporter/catalogue/flow-field-catalogue.js';
import type { Condition } from '../../../exporter/conditions/condition.js';
import type { FlowDefinition } from '../../../core/flow-definition.js';
import type { ParleyError } from '../../../core/errors.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-09-01T08:00:00Z') });
});
afterAll(async () => storage.destroy());

/** A contest whose raffle is for those who pass the quiz: email, quiz (2 of 3 to pass), raffle; the others hear a consolation. */
const CONTEST = {
  name: 'Coffee contest',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'quiz' },
    {
      id: 'quiz',
      module: 'quiz',
      config: {
        questions: [
          { id: 'year', text: 'When did we open?', options: [{ id: 'y1990', label: '1990', correct: true }, { id: 'y2000', label: '2000' }] },
          { id: 'city', text: 'Where?', options: [{ id: 'lyon', label: 'Lyon' }, { id: 'paris', label: 'Paris', correct: true }] },
          { id: 'bean', text: 'Which beans?', options: [{ id: 'arabica', label: 'Arabica', correct: true }, { id: 'tea', label: 'Tea' }] },
        ],
        passScore: 2,
        feedback: false,
        numbered: false,
        failedNext: 'sorry',
      },
      next: 'draw',
    },
    { id: 'draw', module: 'giveaway', config: { frequency: 'unlimited' } },
    { id: 'sorry', module: 'message', config: { text: 'Better luck next time' } },
  ],
};

async function contest(slug: string, document: object = CONTEST) {
  const setup = await flowSetup(storage);
  const flow = await saveTestFlow(storage, setup.workspace, slug, document);
  const play = async (email: string, answers: readonly string[]) => {
    storage.clock.advance(60_000);
    const v = setup.visitor(slug);
    await v.start();
    await v.answer(email);
    for (const answer of answers) await v.answer(answer);
    return v.texts();
  };
  const rows = async (table: 'variables' | 'participations') => (await listStoreRows(storage, setup.workspace.id, table, { flowId: flow.id, order: 'asc', limit: 1000 })).rows;
  return { ...setup, flow, play, rows };
}

describe('quiz step in a chat', () => {
  it('lets those who pass into the raffle and sends the others to the consolation; one Variables row per finished quiz', async () => {
    const { play, rows } = await contest('contest');
    expect(await play('ann@example.org', ['y1990', 'lyon', 'arabica'])).toEqual(['You got 2 of 3 right. Well done!', "You're in the draw"]);
    expect(await play('bob@example.org', ['y2000', 'lyon', 'arabica'])).toEqual(['You got 1 of 3 right; 2 were needed.', 'Better luck next time']);
    const quizzes = (await rows('variables')).filter((r) => r.moduleId === 'quiz');
    // Each with the session's device facts, as every row of a flow without entries of its own.
    expect(quizzes.map((r) => r.data)).toMatchObject([
      { variable: 'quiz_score', step_id: 'quiz', score: 2, total: 3, passed: true, answer_year: 'y1990', answer_city: 'lyon', answer_bean: 'arabica' },
      { variable: 'quiz_score', step_id: 'quiz', score: 1, total: 3, passed: false, answer_year: 'y2000', answer_city: 'lyon', answer_bean: 'arabica' },
    ]);
    // Kept 60 days, as the step says; nothing of it sealed, and no subject: a quiz is the session's.
    expect(quizzes.every((r) => r.stepId === 'quiz' && r.personal === null && r.expiresAt.getTime() - r.createdAt.getTime() === 60 * 86_400_000)).toBe(true);
    expect(await rows('participations')).toHaveLength(1);
  });

  it('a wrong reply leaves the question asked, and a try after failing starts the quiz over', async () => {
    const retry = { ...CONTEST, steps: CONTEST.steps.map((s) => (s.id === 'sorry' ? { ...s, config: { text: 'Try again' }, next: 'quiz' } : s)) };
    const { visitor, rows } = await contest('retry', retry);
    const v = visitor('retry');
    await v.start();
    await v.answer('cy@example.org');
    expect(await v.send('paris')).toMatchObject({ ok: false, error: { code: 'validation_failed', path: '/value' } });
    for (const answer of ['y2000', 'lyon']) await v.answer(answer);
    expect(v.texts(await v.answer('tea'))).toEqual(['You got 0 of 3 right; 2 were needed.', 'Try again', 'When did we open?']);
    for (const answer of ['y1990', 'paris']) await v.answer(answer);
    expect(v.texts(await v.answer('tea'))).toEqual(['You got 2 of 3 right. Well done!', "You're in the draw"]);
    expect((await rows('variables')).filter((r) => r.moduleId === 'quiz').map((r) => [r.data.score, r.data.passed])).toEqual([[0, false], [2, true]]);
  });

  it('draws two questions of the bank for each participant, its answers shuffled, and keeps the draw through the session', async () => {
    const questions = CONTEST.steps[1]!.config.questions!;
    const bank = { ...CONTEST, steps: CONTEST.steps.map((s) => (s.id === 'quiz' ? { ...s, config: { ...s.config, questionsAsked: 2, shuffleQuestions: true, shuffleAnswers: true, passScore: 2 } } : s)) };
    const { visitor, rows } = await contest('bank', bank);
    for (const email of ['dee@example.org', 'eve@example.org', 'fay@example.org', 'gus@example.org', 'hal@example.org', 'ivy@example.org']) {
      const v = visitor('bank');
      await v.start();
      let turn = await v.answer(email);
      const drawn = new Set<string>();
      for (let asked = 0; asked < 2; asked += 1) {
        const question = questions.find((q) => q.text === v.texts(turn).at(-1))!;
        expect(question).toBeDefined();
        const input = turn.input?.kind === 'choice' ? turn.input.options.map((o) => o.id).sort() : [];
        expect(input).toEqual(question.options.map((o) => o.id).sort());
        drawn.add(question.id);
        turn = await v.answer(question.options.find((o) => o.correct)!.id);
      }
      expect(drawn.size).toBe(2);
      expect(v.texts(turn)).toEqual(['You got 2 of 2 right. Well done!', "You're in the draw"]);
    }
    const quizzes = (await rows('variables')).filter((r) => r.moduleId === 'quiz');
    expect(quizzes).toHaveLength(6);
    for (const quiz of quizzes) {
      expect(quiz.data).toMatchObject({ score: 2, total: 2, passed: true });
      expect(Object.keys(quiz.data).filter((k) => k.startsWith('answer_'))).toHaveLength(2);
    }
  });

  it('exports the score, the pass and each answer by its label, reading only the rows of the named variables; a condition keeps those who passed', async () => {
    const fields: Array<[string, string]> = [['form.email', 'EMAIL'], ['form.quiz_score', 'SCORE'], ['form.quiz_score_passed', 'PASSED'], ['form.quiz_score_city', 'CITY']];
    // Every field names the rows of its variable (email, quiz_score), so the export reads those alone.
    const catalogue = flowFieldCatalogue(CONTEST as unknown as FlowDefinition, registry);
    expect(fields.map(([key]) => catalogue.find((f) => f.key === key)?.variableRows?.names)).toEqual([['email'], ['quiz_score'], ['quiz_score'], ['quiz_score']]);
    // The raffle's entries are those who passed.
    const raffle = await contest('exported');
    await raffle.play('dee@example.org', ['y1990', 'paris', 'tea']);
    await raffle.play('eve@example.org', ['y2000', 'lyon', 'tea']);
    await raffle.play('fay@example.org', ['y1990', 'paris', 'arabica']);
    expect(await exportedCsv(storage, raffle.workspace, csvExportOf('exported', fields))).toEqual([
      ['EMAIL', 'SCORE', 'PASSED', 'CITY'],
      ['dee@example.org', '2', 'true', 'Paris'],
      ['fay@example.org', '3', 'true', 'Paris'],
    ]);
    // A quiz without a raffle: one entry per session, each read with its quiz's row; a condition keeps those who passed.
    const alone = await contest('alone', { ...CONTEST, steps: CONTEST.steps.filter((s) => s.id !== 'draw').map((s) => (s.id === 'quiz' ? { ...s, next: undefined } : s)) });
    await alone.play('gus@example.org', ['y2000', 'paris', 'arabica']);
    await alone.play('hal@example.org', ['y2000', 'lyon', 'tea']);
    expect(await exportedCsv(storage, alone.workspace, csvExportOf('alone', fields))).toEqual([
      ['EMAIL', 'SCORE', 'PASSED', 'CITY'],
      ['gus@example.org', '2', 'true', 'Paris'],
      ['hal@example.org', '0', 'false', 'Lyon'],
    ]);
    const passed = { field: 'form.quiz_score_passed', operator: 'equals', value: 'true' } as Condition;
    expect((await exportedCsv(storage, alone.workspace, csvExportOf('alone', fields, [passed]))).map((row) => row[0])).toEqual(['EMAIL', 'gus@example.org']);
  });

  it('with storage off scores and branches all the same, and stores nothing', async () => {
    const off = await flowSetup(storage, { workspace: { storageEnabled: false } });
    const quizOnly = { ...CONTEST, steps: CONTEST.steps.filter((s) => s.id !== 'draw').map((s) => (s.id === 'quiz' ? { ...s, next: undefined } : s)) };
    const flow = await saveTestFlow(storage, off.workspace, 'off', quizOnly);
    const v = off.visitor('off');
    await v.start();
    await v.answer('ivy@example.org');
    for (const answer of ['y2000', 'lyon']) await v.answer(answer);
    expect(v.texts(await v.answer('tea'))).toEqual(['You got 0 of 3 right; 2 were needed.', 'Better luck next time']);
    expect((await listStoreRows(storage, off.workspace.id, 'variables', { flowId: flow.id, limit: 10 })).rows).toEqual([]);
  });

  it('refuses to save a question without a right answer or a pass mark above the questions, at their paths, and keeps the saved flow', async () => {
    const { workspace, play } = await contest('checked');
    const quiz = CONTEST.steps[1]!;
    const save = (config: object) => saveTestFlow(storage, workspace, 'checked', { ...CONTEST, steps: CONTEST.steps.map((s) => (s === quiz ? { ...s, config: { ...quiz.config, ...config } } : s)) }).catch((e: ParleyError) => e);
    const noneRight = (await save({ questions: [{ id: 'q', text: 'Pick', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] }], passScore: 1 })) as ParleyError;
    expect(noneRight).toMatchObject({ code: 'config_invalid', message: 'Mark at least one answer of this question as right', path: '/steps/1/config/questions/0/options' });
    expect(await save({ passScore: 4 })).toMatchObject({ code: 'config_invalid', path: '/steps/1/config/passScore' });
    expect(await save({ failedNext: 'nowhere' })).toMatchObject({ path: expect.stringContaining('/steps/1') });
    // The flow as saved first still runs.
    expect(await play('hal@example.org', ['y1990', 'paris', 'tea'])).toEqual(['You got 2 of 3 right. Well done!', "You're in the draw"]);
  });
});
