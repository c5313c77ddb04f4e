import { describe, expect, it } from 'vitest';
import { fakeStep } from '../../test/support/fake-step.js';
import { configRefusal } from '../../test/support/config-refusal.js';
import { quizModule, scoreQuiz, TIME_LIMIT_GRACE_MS, type QuizConfig } from './quiz-module.js';
import type { ManualClock } from '../../core/clock.js';

const QUIZ: QuizConfig = {
  intro: 'Three questions, {{first}}!',
  questions: [
    { id: 'year', text: 'When did we open?', options: [{ id: 'y1990', label: '1990', correct: true }, { id: 'y2000', label: '2000' }], explanation: 'Our first shop opened in 1990.' },
    { id: 'city', text: 'Where?', options: [{ id: 'lyon', label: 'Lyon' }, { id: 'paris', label: 'Paris', correct: true }, { id: 'nice', label: 'Nice' }] },
    { id: 'bean', text: 'Which beans?', options: [{ id: 'arabica', label: 'Arabica', correct: true }, { id: 'robusta', label: 'Robusta', correct: true }, { id: 'tea', label: 'Tea' }] },
  ],
  passScore: 2,
  failedNext: 'consolation',
};

type Result = Awaited<ReturnType<typeof quizModule.handleStep>>;
const texts = (result: Result) => ('messages' in result ? result.messages.map((m) => (m.kind === 'text' ? m.text : m.kind)) : []);

/** Plays the quiz through with these option ids; the results of the enter and each answer. */
async function play(config: QuizConfig, answers: readonly string[], options: Parameters<typeof fakeStep>[1] = {}) {
  const step = fakeStep(config, { stepId: 'quiz', ...options });
  const results: Result[] = [await quizModule.handleStep({ kind: 'enter' }, step.ctx)];
  for (const answer of answers) results.push(await quizModule.handleStep({ kind: 'reply', value: answer }, step.ctx));
  return { step, results };
}

describe('scoreQuiz', () => {
  it('counts an answer right when it is one of the question’s right answers, and passes at the mark (every question by default)', () => {
    expect(scoreQuiz(QUIZ, { year: 'y1990', city: 'lyon', bean: 'robusta' })).toMatchObject({ score: 2, total: 3, passed: true });
    expect(scoreQuiz(QUIZ, { year: 'y2000', city: 'lyon', bean: 'arabica' })).toMatchObject({ score: 1, passed: false });
    expect(scoreQuiz({ ...QUIZ, passScore: undefined }, { year: 'y1990', city: 'paris', bean: 'robusta' })).toMatchObject({ score: 3, passed: true });
    expect(scoreQuiz({ ...QUIZ, passScore: undefined }, { year: 'y1990', city: 'paris', bean: 'tea' })).toMatchObject({ score: 2, passed: false });
  });
});

describe('quiz module', () => {
  it('asks each question numbered with its answers as buttons, checks each answer, then scores the quiz into one Variables row', async () => {
    const { step, results } = await play(QUIZ, ['y2000', 'paris', 'arabica']);
    expect(results[0]).toMatchObject({ type: 'await', input: { kind: 'choice', options: [{ id: 'y1990', label: '1990' }, { id: 'y2000', label: '2000' }] } });
    expect(texts(results[0]!)).toEqual(['Three questions, Ann!', 'Question 1 of 3\nWhen did we open?']);
    expect(texts(results[1]!)).toEqual(['Not quite: the answer was 1990.', 'Our first shop opened in 1990.', 'Question 2 of 3\nWhere?']);
    expect(texts(results[2]!)).toEqual(['Right!', 'Question 3 of 3\nWhich beans?']);
    expect(results[3]).toMatchObject({ type: 'next' });
    expect(results[3]).not.toHaveProperty('next');
    expect(texts(results[3]!)).toEqual(['Right!', 'You got 2 of 3 right. Well done!']);
    expect(step.writes).toEqual([
      { table: 'variables', row: { data: { variable: 'quiz_score', step_id: 'quiz', score: 2, total: 3, passed: true, answer_year: 'y2000', answer_city: 'paris', answer_bean: 'arabica' }, event: 'quiz.completed' } },
    ]);
    expect(step.variables).toMatchObject({ quiz_score: 2, quiz_score_year: 'y2000', quiz_score_city: 'paris', quiz_score_bean: 'arabica' });
    expect(step.events).toEqual(['quiz_completed']);
  });

  it('sends those below the pass mark to its failed step, with what they needed', async () => {
    const { results } = await play({ ...QUIZ, failedText: '{{score}}/{{total}}, {{needed}} needed' }, ['y2000', 'lyon', 'tea']);
    expect(results[3]).toMatchObject({ type: 'next', next: 'consolation' });
    expect(texts(results[3]!).at(-1)).toBe('0/3, 2 needed');
  });

  it('refuses an answer that is not one of the current question’s, and keeps asking it', async () => {
    const step = fakeStep(QUIZ, { stepId: 'quiz' });
    await quizModule.handleStep({ kind: 'enter' }, step.ctx);
    // `paris` answers the second question, not the first.
    expect(await quizModule.handleStep({ kind: 'reply', value: 'paris' }, step.ctx)).toEqual({ type: 'invalid', error: { code: 'validation_failed', message: 'Please pick one of the answers', path: '/value' } });
    expect(texts(await quizModule.handleStep({ kind: 'reply', value: 'y1990' }, step.ctx))).toEqual(['Right!', 'Our first shop opened in 1990.', 'Question 2 of 3\nWhere?']);
  });

  it('starts over when entered again (another try after failing)', async () => {
    const step = fakeStep(QUIZ, { stepId: 'quiz' });
    await quizModule.handleStep({ kind: 'enter' }, step.ctx);
    await quizModule.handleStep({ kind: 'reply', value: 'y1990' }, step.ctx);
    expect(texts(await quizModule.handleStep({ kind: 'enter' }, step.ctx)).at(-1)).toBe('Question 1 of 3\nWhen did we open?');
    expect(step.variables.quiz_score).toBe(0);
    for (const answer of ['y1990', 'paris']) await quizModule.handleStep({ kind: 'reply', value: answer }, step.ctx);
    expect(await quizModule.handleStep({ kind: 'reply', value: 'tea' }, step.ctx)).toMatchObject({ type: 'next' });
    expect(step.writes.map((w) => w.row.data?.score)).toEqual([2]);
  });

  it('without feedback or numbers says only the questions and the result, under its own score variable', async () => {
    const { step, results } = await play({ ...QUIZ, intro: undefined, feedback: false, numbered: false, variable: 'trivia', passedText: '{{trivia}} points' }, ['y1990', 'paris', 'tea']);
    expect(texts(results[0]!)).toEqual(['When did we open?']);
    expect(texts(results[1]!)).toEqual(['Where?']);
    expect(texts(results[3]!)).toEqual(['2 points']);
    expect(step.writes[0]!.row.data).toMatchObject({ variable: 'trivia', score: 2 });
  });

  it('draws each participant their own questions from the bank, with the answers in their own order, and scores those asked', async () => {
    const config: QuizConfig = { ...QUIZ, intro: undefined, questionsAsked: 2, shuffleAnswers: true, passScore: undefined };
    const byText = new Map(QUIZ.questions.map((q) => [q.text, q]));
    const asked = new Set<string>();
    const orders = new Set<string>();
    for (let participant = 0; participant < 40; participant += 1) {
      const step = fakeStep(config, { stepId: 'quiz' });
      let result = await quizModule.handleStep({ kind: 'enter' }, step.ctx);
      const seen: string[] = [];
      for (let turn = 1; turn <= 2; turn += 1) {
        expect(result.type).toBe('await');
        const [numbered, text] = texts(result).at(-1)!.split('\n') as [string, string];
        expect(numbered).toBe(`Question ${turn} of 2`);
        const question = byText.get(text)!;
        const options = 'input' in result && result.input?.kind === 'choice' ? result.input.options : [];
        // The question's own answers, every one of them, in this participant's order.
        expect(options.map((o) => o.id).sort()).toEqual(question.options.map((o) => o.id).sort());
        orders.add(`${question.id}:${options.map((o) => o.id).join(',')}`);
        seen.push(question.id);
        result = await quizModule.handleStep({ kind: 'reply', value: question.options.find((o) => o.correct)!.id }, step.ctx);
      }
      expect(new Set(seen).size).toBe(2);
      seen.forEach((id) => asked.add(id));
      expect(result).toMatchObject({ type: 'next' });
      expect(texts(result).at(-1)).toBe('You got 2 of 2 right. Well done!');
      const data = step.writes[0]!.row.data!;
      expect(data).toMatchObject({ score: 2, total: 2, passed: true });
      expect(Object.keys(data).filter((k) => k.startsWith('answer_')).sort()).toEqual(seen.map((id) => `answer_${id}`).sort());
    }
    // Over 40 participants every question was drawn, and answers came in more than one order.
    expect([...asked].sort()).toEqual(['bean', 'city', 'year']);
    expect(orders.size).toBeGreaterThan(QUIZ.questions.length);
  });

  it('draws anew when taken again, and keeps a draw through its turns', async () => {
    const step = fakeStep({ ...QUIZ, shuffleQuestions: true }, { stepId: 'quiz' });
    const firstOf = async () => texts(await quizModule.handleStep({ kind: 'enter' }, step.ctx)).at(-1);
    const seeds = new Set<unknown>();
    for (let i = 0; i < 8; i += 1) {
      await firstOf();
      seeds.add(step.variables.quiz_score_draw);
    }
    expect(seeds.size).toBeGreaterThan(1);
    const first = await firstOf();
    const question = QUIZ.questions.find((q) => first!.endsWith(q.text))!;
    // A wrong reply is refused against the question drawn, which is asked again.
    expect(await quizModule.handleStep({ kind: 'reply', value: 'not-an-answer' }, step.ctx)).toMatchObject({ type: 'invalid' });
    const next = await quizModule.handleStep({ kind: 'reply', value: question.options[0]!.id }, step.ctx);
    expect(texts(next).at(-1)).toMatch(/^Question 2 of 3\n/);
    expect(step.variables[`quiz_score_${question.id}`]).toBe(question.options[0]!.id);
  });

  it('with storage off still scores and branches; its row is simply not stored', async () => {
    const { results } = await play(QUIZ, ['y2000', 'lyon', 'tea'], { storageEnabled: false });
    expect(results[3]).toMatchObject({ type: 'next', next: 'consolation' });
  });

  it('offers the score, the pass and each answer (by its button label) to exports, from the rows of its variable written by this step', () => {
    const fields = quizModule.fields!(QUIZ, 'quiz');
    expect(fields.map((f) => [f.key, f.type, f.source.key])).toEqual([
      ['quiz_score', 'number', 'score'],
      ['quiz_score_passed', 'boolean', 'passed'],
      ['quiz_score_year', 'text', 'answer_year'],
      ['quiz_score_city', 'text', 'answer_city'],
      ['quiz_score_bean', 'text', 'answer_bean'],
    ]);
    expect(fields.every((f) => f.source.table === 'variables' && f.source.variable === 'quiz_score' && f.source.step === 'quiz' && !f.source.personal)).toBe(true);
    expect(fields[3]).toMatchObject({ labels: { lyon: 'Lyon', paris: 'Paris', nice: 'Nice' }, values: { lyon: 'Lyon', paris: 'Paris', nice: 'Nice' } });
  });

  it('refuses a question without a right answer, repeated or reserved ids and a pass mark above the questions, each at its path', () => {
    const check = (config: QuizConfig) => configRefusal(quizModule, config, '/steps/1/config');
    const [year, city] = QUIZ.questions;
    expect(check(QUIZ)).toBeUndefined();
    expect(check({ ...QUIZ, questions: [year!, { ...city!, options: city!.options.map((o) => ({ id: o.id, label: o.label })) }] })).toEqual(['Mark at least one answer of this question as right', '/steps/1/config/questions/1/options']);
    expect(check({ ...QUIZ, questions: [year!, { ...city!, id: 'year' }] })).toEqual(['Two questions have the same id', '/steps/1/config/questions/1/id']);
    expect(check({ ...QUIZ, questions: [{ ...year!, options: [...year!.options, { id: 'y1990', label: 'Again' }] }] })).toEqual(['Two answers of this question have the same id', '/steps/1/config/questions/0/options/2/id']);
    expect(check({ ...QUIZ, passScore: 4 })).toEqual(['The pass mark is higher than the 3 question(s) asked', '/steps/1/config/passScore']);
    expect(check({ ...QUIZ, questionsAsked: 4 })).toEqual(['More questions asked than the 3 written', '/steps/1/config/questionsAsked']);
    expect(check({ ...QUIZ, questionsAsked: 1, passScore: 2 })).toEqual(['The pass mark is higher than the 1 question(s) asked', '/steps/1/config/passScore']);
    expect(check({ ...QUIZ, questions: [{ ...year!, id: 'draw' }] })).toEqual(['A question cannot be called draw: the quiz uses that name', '/steps/1/config/questions/0/id']);
    // Its progress and its pass field are named after the score variable too.
    expect(check({ ...QUIZ, questions: [year!, { ...city!, id: 'question' }] })).toEqual(['A question cannot be called question: the quiz uses that name', '/steps/1/config/questions/1/id']);
    expect(check({ ...QUIZ, questions: [{ ...year!, id: 'passed' }] })).toEqual(['A question cannot be called passed: the quiz uses that name', '/steps/1/config/questions/0/id']);
    expect(check({ ...QUIZ, questions: [{ ...year!, id: 'asked_at' }] })).toEqual(['A question cannot be called asked_at: the quiz uses that name', '/steps/1/config/questions/0/id']);
  });

  it('times each question when it has a limit: an answer counts until the limit and the network’s grace, a later one or none is time up, scored wrong and stored empty', async () => {
    const timed: QuizConfig = { ...QUIZ, timeLimitSeconds: 10 };
    const step = fakeStep(timed, { stepId: 'quiz' });
    const clock = step.ctx.clock as ManualClock;
    const reply = (value: string) => quizModule.handleStep({ kind: 'reply', value }, step.ctx);
    expect(await quizModule.handleStep({ kind: 'enter' }, step.ctx)).toMatchObject({ type: 'await', input: { kind: 'choice', timeLimitSeconds: 10 } });
    // Just inside the limit and its grace: counted.
    clock.advance(10_000 + TIME_LIMIT_GRACE_MS);
    expect(texts(await reply('y1990'))).toEqual(['Right!', 'Our first shop opened in 1990.', 'Question 2 of 3\nWhere?']);
    // No answer (the widget's countdown ended) before the limit less the grace is only a wrong click.
    clock.advance(10_000 - TIME_LIMIT_GRACE_MS);
    expect(await reply('')).toMatchObject({ type: 'invalid', error: { path: '/value' } });
    clock.advance(1);
    expect(texts(await reply(''))).toEqual(['Time’s up! The answer was Paris.', 'Question 3 of 3\nWhich beans?']);
    // A right answer past the grace is time up too.
    clock.advance(10_000 + TIME_LIMIT_GRACE_MS + 1);
    const last = await reply('arabica');
    expect(texts(last)).toEqual(['Time’s up! The answer was Arabica / Robusta.', 'You got 1 of 3 right; 2 were needed.']);
    expect(last).toMatchObject({ type: 'next', next: 'consolation' });
    expect(step.writes[0]!.row.data).toMatchObject({ score: 1, total: 3, passed: false, answer_year: 'y1990', answer_city: '', answer_bean: '' });
    expect(step.events).toEqual(['quiz_time_up', 'quiz_time_up', 'quiz_completed']);
    // Without a limit, nothing is timed.
    const untimed = await play(QUIZ, []);
    expect(untimed.results[0]).toMatchObject({ input: { kind: 'choice' } });
    expect(untimed.results[0]).not.toHaveProperty('input.timeLimitSeconds');
  });
});
