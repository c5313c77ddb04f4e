import { defineModule, namedBranches, type StepContext, type StepResult } from '../../core/module-contract.js';
import { interpolate } from '../../core/interpolate.js';
import { ConfigError } from '../../core/errors.js';
import type { BotMessage } from '../../core/chat-protocol.js';
import { QUIZ_DEFAULTS, quizConfigSchema } from './quiz-config.js';
import { answerOrder, askedQuestions, drawSeed } from './quiz-draw.js';

export { QUIZ_DEFAULTS } from './quiz-config.js';

export interface QuizOptionConfig {
  readonly id: string;
  readonly label: string;
  /** A right answer; a question has at least one. */
  readonly correct?: boolean;
}

export interface QuizQuestionConfig {
  /** Names the question in exports (`form.<variable>_<id>`); lowercase letters, digits, - and _. */
  readonly id: string;
  readonly text: string;
  readonly options: readonly QuizOptionConfig[];
  /** Said after the answer when feedback is on, right or wrong. */
  readonly explanation?: string;
}

export interface QuizConfig {
  readonly intro?: string;
  readonly questions: readonly QuizQuestionConfig[];
  /** Session variable that gets the score (right answers); also names the quiz's Variables row and its export fields. */
  readonly variable?: string;
  /** Ask only this many questions, drawn at random for each participant (default: all). */
  readonly questionsAsked?: number;
  /** Each participant gets the questions in an order of their own (default false). */
  readonly shuffleQuestions?: boolean;
  /** Each participant gets each question's answers in an order of their own (default false). */
  readonly shuffleAnswers?: boolean;
  /** Right answers needed to pass (default: all the questions asked). */
  readonly passScore?: number;
  /** Say after each answer whether it was right (default true). */
  readonly feedback?: boolean;
  /** Number the questions ("Question 2 of 5") (default true). */
  readonly numbered?: boolean;
  /** Seconds to answer each question (5 to 600); a later answer, or none, counts as wrong. Without it, no limit. */
  readonly timeLimitSeconds?: number;
  /** Said when a question was not answered in time (when answers are checked); `{{answer}}` is the right one. */
  readonly timeUpText?: string;
  readonly progressText?: string;
  readonly correctText?: string;
  readonly wrongText?: string;
  readonly passedText?: string;
  readonly failedText?: string;
  /** The step a participant who did not pass goes to (another try, a consolation); else the step's own `next`. */
  readonly failedNext?: string;
}

/** What the quiz's `variables` row holds besides `variable` and `step_id`: the score, the total, whether it passed, and each answer (`answer_<question id>`: the option id). */
export interface QuizResult {
  readonly score: number;
  readonly total: number;
  readonly passed: boolean;
  readonly answers: Readonly<Record<string, string>>;
}

/** The right answers of a quiz over the option ids chosen per question id (of the questions `asked`: by default all), and whether they reach the pass mark. */
export function scoreQuiz(config: QuizConfig, answers: Readonly<Record<string, string>>, asked: readonly QuizQuestionConfig[] = config.questions): QuizResult {
  const score = asked.filter((q) => q.options.some((o) => o.correct === true && o.id === answers[q.id])).length;
  const total = asked.length;
  return { score, total, passed: score >= (config.passScore ?? total), answers };
}

/**
 * Session variables that carry the quiz between turns (plain, not personal: ids, counts and an
 * instant): the place in the quiz, the seed of a participant's own draw, and when the question
 * being asked was asked (a timed quiz).
 */
const PROGRESS = 'question';
const DRAW = 'draw';
const ASKED_AT = 'asked_at';
const progressVariable = (variable: string) => `${variable}_${PROGRESS}`;
const drawVariable = (variable: string) => `${variable}_${DRAW}`;
const askedAtVariable = (variable: string) => `${variable}_${ASKED_AT}`;
/** Question ids that would name another of the quiz's variables or export fields (its progress, its draw, when asked, `<variable>_passed`). */
const RESERVED_IDS: ReadonlySet<string> = new Set([PROGRESS, DRAW, ASKED_AT, 'passed']);
/** What a timed question allows beyond its limit for the answer to travel: the limit is the participant's, the network's time is not. */
export const TIME_LIMIT_GRACE_MS = 2_000;
const answerVariable = (variable: string, questionId: string) => `${variable}_${questionId}`;

const rightLabels = (question: QuizQuestionConfig) => question.options.filter((o) => o.correct === true).map((o) => o.label).join(' / ');

/**
 * A quiz: multiple-choice questions asked one after the other, each with its right answer(s),
 * optionally told right or wrong as it is answered, then a score against a pass mark. A
 * participant below it may be sent to a step of its own (another try, a consolation), so a quiz
 * can stand before a giveaway as its condition. The finished quiz is one Variables row (score,
 * total, passed, each answer's option id) offered to exports; answers to a quiz's questions are
 * what a participant knows, not what they say about themselves, so they are stored unsealed.
 */
export const quizModule = defineModule<QuizConfig>({
  id: 'quiz',
  title: 'Quiz',
  description: 'Asks multiple-choice questions with right answers, counts the score and can send those below the pass mark to a step of their own.',
  configSchema: quizConfigSchema,
  checkConfig(config, path) {
    const ids = new Set<string>();
    config.questions.forEach((question, index) => {
      const at = `${path}/questions/${index}`;
      if (ids.has(question.id)) throw new ConfigError('Two questions have the same id', `${at}/id`);
      if (RESERVED_IDS.has(question.id)) throw new ConfigError(`A question cannot be called ${question.id}: the quiz uses that name`, `${at}/id`);
      ids.add(question.id);
      const options = new Set<string>();
      question.options.forEach((option, o) => {
        if (options.has(option.id)) throw new ConfigError('Two answers of this question have the same id', `${at}/options/${o}/id`);
        options.add(option.id);
      });
      if (!question.options.some((o) => o.correct === true)) throw new ConfigError('Mark at least one answer of this question as right', `${at}/options`);
    });
    if (config.questionsAsked !== undefined && config.questionsAsked > config.questions.length) {
      throw new ConfigError(`More questions asked than the ${config.questions.length} written`, `${path}/questionsAsked`);
    }
    const asked = config.questionsAsked ?? config.questions.length;
    if (config.passScore !== undefined && config.passScore > asked) {
      throw new ConfigError(`The pass mark is higher than the ${asked} question(s) asked`, `${path}/passScore`);
    }
  },
  tables: {
    variables: { retentionDays: 60, holds: 'Quiz scores and answers' },
    runtime_log: { retentionDays: 7, holds: 'Quizzes finished and their score' },
  },
  statistics: { quizzesCompleted: 'variables', quizzesPassed: { table: 'variables', whenTrue: 'passed' } },
  scores: (_configs, counts) => (counts.quizzesCompleted === 0 ? [] : [{ key: 'quizPassRate', label: 'Quiz pass rate', value: Math.round((counts.quizzesPassed * 100) / counts.quizzesCompleted), unit: 'percent', basedOn: counts.quizzesCompleted }]),
  branches: (config) => namedBranches(config, ['failedNext']),
  waits: () => true,
  fields: (config, stepId) => {
    const variable = config.variable ?? QUIZ_DEFAULTS.variable;
    const source = (key: string) => ({ table: 'variables', key, personal: false, step: stepId, variable }) as const;
    return [
      { key: variable, label: 'Quiz score (right answers)', type: 'number', source: source('score') },
      { key: `${variable}_passed`, label: 'Quiz passed', type: 'boolean', source: source('passed') },
      ...config.questions.map((question) => {
        const labels = Object.fromEntries(question.options.map((o) => [o.id, o.label]));
        return { key: answerVariable(variable, question.id), label: `Quiz: ${question.text.slice(0, 74)}`, type: 'text', source: source(`answer_${question.id}`), labels, values: labels } as const;
      }),
    ];
  },
  async handleStep(input, ctx): Promise<StepResult> {
    const { config } = ctx;
    const variable = config.variable ?? QUIZ_DEFAULTS.variable;
    const say = (text: string, extra: Record<string, string | number> = {}): BotMessage => ({ kind: 'text', text: interpolate(text, { ...ctx.variables.all(), ...extra }) });
    if (input.kind === 'enter') {
      // A quiz entered again (a try after failing) starts over, with a new draw when it draws.
      ctx.variables.set(variable, 0);
      if (draws(config)) ctx.variables.set(drawVariable(variable), drawSeed());
      return ask(ctx, askedOf(ctx), 0, config.intro ? [say(config.intro)] : []);
    }
    const asked = askedOf(ctx);
    const index = currentQuestion(ctx, asked.length);
    const question = asked[index]!;
    const chosen = question.options.find((o) => o.id === input.value);
    const timing = answerTiming(ctx, chosen !== undefined);
    if (!chosen && timing === 'in_time') return { type: 'invalid', error: { code: 'validation_failed', message: 'Please pick one of the answers', path: '/value' } };
    const timeUp = timing === 'late';
    ctx.variables.set(answerVariable(variable, question.id), timeUp ? '' : chosen!.id);
    const right = !timeUp && chosen!.correct === true;
    const score = Number(ctx.variables.get(variable) ?? 0) + (right ? 1 : 0);
    ctx.variables.set(variable, score);
    if (timeUp) await ctx.log('quiz_time_up', { question: question.id });
    const feedback: BotMessage[] = [];
    if (config.feedback ?? true) {
      const verdict = timeUp ? (config.timeUpText ?? QUIZ_DEFAULTS.timeUpText) : right ? (config.correctText ?? QUIZ_DEFAULTS.correctText) : (config.wrongText ?? QUIZ_DEFAULTS.wrongText);
      feedback.push(say(verdict, { answer: rightLabels(question) }));
      if (question.explanation) feedback.push(say(question.explanation));
    }
    if (index + 1 < asked.length) return ask(ctx, asked, index + 1, feedback);
    return finish(ctx, asked, feedback);
  },
});

/** True when each participant gets a draw of their own (some questions, or an order). */
const draws = (config: QuizConfig) => config.shuffleQuestions === true || config.shuffleAnswers === true || (config.questionsAsked ?? config.questions.length) < config.questions.length;

/** The seed of the participant's draw, as the session keeps it; undefined when the quiz does not draw. */
function seedOf(ctx: StepContext<QuizConfig>): number | undefined {
  if (!draws(ctx.config)) return undefined;
  const seed = Number(ctx.variables.get(drawVariable(ctx.config.variable ?? QUIZ_DEFAULTS.variable)));
  return Number.isInteger(seed) ? seed : 0;
}

/** The questions this participant is asked, in the order asked. */
function askedOf(ctx: StepContext<QuizConfig>): QuizQuestionConfig[] {
  const { config } = ctx;
  return askedQuestions(config.questions.length, { seed: seedOf(ctx), count: config.questionsAsked, shuffle: config.shuffleQuestions }).map((i) => config.questions[i]!);
}

/**
 * Whether a reply to a timed question came in time (always, without a limit). An answer counts
 * until the limit and the network's grace have passed; a reply that is no answer (what the
 * widget sends when its countdown ends) is taken as the time being up from the limit less that
 * grace on (before then, it is only a wrong click).
 */
function answerTiming(ctx: StepContext<QuizConfig>, isAnswer: boolean): 'in_time' | 'late' {
  const limit = ctx.config.timeLimitSeconds;
  const askedAt = Number(ctx.variables.get(askedAtVariable(ctx.config.variable ?? QUIZ_DEFAULTS.variable)));
  if (limit === undefined || !Number.isFinite(askedAt)) return 'in_time';
  const elapsed = ctx.clock.now().getTime() - askedAt;
  return elapsed > limit * 1000 + (isAnswer ? TIME_LIMIT_GRACE_MS : -TIME_LIMIT_GRACE_MS) ? 'late' : 'in_time';
}

/** The question being asked (0-based, in the order asked), as the session keeps it. */
function currentQuestion(ctx: StepContext<QuizConfig>, asked: number): number {
  const kept = Number(ctx.variables.get(progressVariable(ctx.config.variable ?? QUIZ_DEFAULTS.variable)) ?? 1) - 1;
  return Number.isInteger(kept) && kept >= 0 && kept < asked ? kept : 0;
}

/** Asks the participant's question `index` of those `asked` after `before`, numbered when the step says so, its answers in the participant's order when shuffled. */
function ask(ctx: StepContext<QuizConfig>, asked: readonly QuizQuestionConfig[], index: number, before: BotMessage[]): StepResult {
  const { config } = ctx;
  const question = asked[index]!;
  ctx.variables.set(progressVariable(config.variable ?? QUIZ_DEFAULTS.variable), index + 1);
  if (config.timeLimitSeconds !== undefined) ctx.variables.set(askedAtVariable(config.variable ?? QUIZ_DEFAULTS.variable), ctx.clock.now().getTime());
  const vars = ctx.variables.all();
  const progress = config.numbered === false ? '' : `${interpolate(config.progressText ?? QUIZ_DEFAULTS.progressText, { ...vars, number: index + 1, total: asked.length })}\n`;
  const seed = seedOf(ctx);
  const options = config.shuffleAnswers === true && seed !== undefined
    ? answerOrder(question.options.length, seed, config.questions.indexOf(question)).map((i) => question.options[i]!)
    : question.options;
  return {
    type: 'await',
    messages: [...before, { kind: 'text', text: progress + interpolate(question.text, vars) }],
    input: { kind: 'choice', options: options.map((o) => ({ id: o.id, label: o.label })), ...(config.timeLimitSeconds !== undefined && { timeLimitSeconds: config.timeLimitSeconds }) },
  };
}

/** The last answer is in: the score against the pass mark, the quiz's row (the questions asked), and where the flow goes. */
async function finish(ctx: StepContext<QuizConfig>, asked: readonly QuizQuestionConfig[], feedback: BotMessage[]): Promise<StepResult> {
  const { config } = ctx;
  const variable = config.variable ?? QUIZ_DEFAULTS.variable;
  const answers = Object.fromEntries(asked.map((q) => [q.id, String(ctx.variables.get(answerVariable(variable, q.id)) ?? '')]));
  const result = scoreQuiz(config, answers, asked);
  const data: Record<string, unknown> = { variable, step_id: ctx.stepId, score: result.score, total: result.total, passed: result.passed };
  for (const [id, option] of Object.entries(answers)) data[`answer_${id}`] = option;
  await ctx.store.write('variables', { data, event: 'quiz.completed' });
  await ctx.log('quiz_completed', { score: result.score, total: result.total, passed: result.passed });
  const needed = config.passScore ?? result.total;
  const text = result.passed ? (config.passedText ?? QUIZ_DEFAULTS.passedText) : (config.failedText ?? QUIZ_DEFAULTS.failedText);
  const messages = [...feedback, { kind: 'text' as const, text: interpolate(text, { ...ctx.variables.all(), score: result.score, total: result.total, needed }) }];
  return { type: 'next', messages, ...(!result.passed && config.failedNext && { next: config.failedNext }) };
}
