import { BOT_TEXT, STEP_REFERENCE, VARIABLE_NAME, listOf } from '../../core/config-schema-parts.js';

export const QUIZ_DEFAULTS = Object.freeze({
  variable: 'quiz_score',
  progressText: 'Question {{number}} of {{total}}',
  correctText: 'Right!',
  wrongText: 'Not quite: the answer was {{answer}}.',
  passedText: 'You got {{score}} of {{total}} right. Well done!',
  failedText: 'You got {{score}} of {{total}} right; {{needed}} were needed.',
  timeUpText: 'Time’s up! The answer was {{answer}}.',
});

/** An id that names something in exports: lowercase letters, digits, - and _. */
const ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,31}$' } as const;
const text = (title: string, description: string, fallback?: string) => ({ ...BOT_TEXT, title, description, ...(fallback !== undefined && { default: fallback }) });

/** The quiz step's config: its questions with their answers (the right ones ticked), the pass mark and what the bot says. */
export const quizConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['questions'],
  properties: {
    intro: text('Introduction', 'Said before the first question; {{variable}} placeholders work.'),
    questions: listOf('Questions', 'Asked in this order unless shuffled or drawn (1 to 20), each with its answers as buttons.', { min: 1, max: 20 }, {
      required: ['id', 'text', 'options'],
      properties: {
        id: { ...ID, title: 'Question id', description: 'Names the answer in exports; lowercase letters, digits, - and _.' },
        text: text('Question', 'What the bot asks; {{variable}} placeholders work.'),
        options: listOf('Answers', 'The buttons, in order (2 to 10); tick the right one(s).', { min: 2, max: 10 }, {
          required: ['id', 'label'],
          properties: {
            id: { ...ID, title: 'Answer id', description: 'Stored when chosen; lowercase letters, digits, - and _.' },
            label: { title: 'Button label', description: 'What the button says.', type: 'string', minLength: 1, maxLength: 200 },
            correct: { title: 'Right answer', description: 'Choosing it scores a point.', type: 'boolean', default: false },
          },
        }),
        explanation: text('Explanation', 'Said after the answer, right or wrong, when answers are checked as they come.'),
      },
    }),
    variable: { ...VARIABLE_NAME, maxLength: 31, title: 'Score variable', description: 'Session variable that gets the score (right answers); it also names the quiz’s export fields.', default: QUIZ_DEFAULTS.variable },
    questionsAsked: { title: 'Questions asked', description: 'Ask only this many, drawn at random for each participant (a question bank); without it, every question.', type: 'integer', minimum: 1, maximum: 20 },
    shuffleQuestions: { title: 'Shuffle the questions', description: 'Each participant gets the questions in an order of their own.', type: 'boolean', default: false },
    shuffleAnswers: { title: 'Shuffle the answers', description: 'Each participant gets each question’s answers in an order of their own.', type: 'boolean', default: false },
    passScore: { title: 'Pass mark', description: 'Right answers needed to pass; without it, every question asked.', type: 'integer', minimum: 0, maximum: 20 },
    feedback: { title: 'Check each answer', description: 'Say after each answer whether it was right (and the question’s explanation).', type: 'boolean', default: true },
    timeLimitSeconds: { title: 'Seconds per question', description: 'Time to answer each question, counted down in the chat; an answer later than that (a moment is allowed for the network), or none, counts as wrong. Without it, no limit.', type: 'integer', minimum: 5, maximum: 600 },
    timeUpText: text('When time is up', 'Said when a question was not answered in time, when answers are checked; {{answer}} is the right one.', QUIZ_DEFAULTS.timeUpText),
    numbered: { title: 'Number the questions', description: 'Say "Question 2 of 5" above each question.', type: 'boolean', default: true },
    progressText: text('Question number', 'Above each question when numbered; {{number}} and {{total}} are filled in.', QUIZ_DEFAULTS.progressText),
    correctText: text('When right', 'Said after a right answer.', QUIZ_DEFAULTS.correctText),
    wrongText: text('When wrong', 'Said after a wrong answer; {{answer}} is the right one.', QUIZ_DEFAULTS.wrongText),
    passedText: text('When passed', 'Said at the end when the pass mark is reached; {{score}} and {{total}} are filled in.', QUIZ_DEFAULTS.passedText),
    failedText: text('When not passed', 'Said at the end below the pass mark; {{score}}, {{total}} and {{needed}} are filled in.', QUIZ_DEFAULTS.failedText),
    failedNext: { ...STEP_REFERENCE, title: 'When not passed, go to step', description: 'A step for those below the pass mark (another try, a consolation); without it the step’s own next step follows.' },
  },
} as const;
