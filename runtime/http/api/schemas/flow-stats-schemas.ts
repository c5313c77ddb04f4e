import type { JsonSchema } from '../api-route.js';

const DAY: JsonSchema = { type: 'string', format: 'date' };
const COUNT: JsonSchema = { type: 'integer', minimum: 0 };

/** `?from=&to=`: calendar days in the workspace's time zone, both included. */
export const flowStatsQuerySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { ...DAY, description: 'First day (YYYY-MM-DD, workspace time zone); default: 29 days before `to`' },
    to: { ...DAY, description: 'Last day, included (YYYY-MM-DD, workspace time zone); default: today. At most 366 days from `from`' },
  },
};

export const flowStatsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'timeZone', 'starts', 'completions', 'completionRate', 'steps', 'instantWinWins', 'giveawayEntries', 'loyaltyStamps', 'loyaltyCards', 'quizzesCompleted', 'quizzesPassed', 'ratings', 'ratingsHigh', 'ratingsLow', 'scores', 'byDay'],
  properties: {
    from: DAY,
    to: DAY,
    timeZone: { type: 'string', description: 'The workspace time zone the days are in' },
    starts: { ...COUNT, description: 'Sessions started in the range (console previews excluded)' },
    completions: { ...COUNT, description: 'Of those, the sessions that reached the end of the flow' },
    completionRate: { type: ['number', 'null'], minimum: 0, maximum: 1, description: 'completions / starts; null without starts' },
    steps: {
      type: 'array',
      description: "The funnel, in the flow's step order (then steps a later save removed, that still have counts)",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['stepId', 'module', 'reached', 'leftHere', 'completed'],
        properties: {
          stepId: { type: 'string' },
          module: { type: 'string' },
          title: { type: 'string', description: "The module's title" },
          reached: { ...COUNT, description: 'Sessions that were shown this step' },
          leftHere: { ...COUNT, description: 'Sessions whose last step is this one and that did not complete' },
          completed: { ...COUNT, description: "Sessions shown this step that completed the flow: against reached, the completion rate of those who came this way (an A/B split's variant, a condition's branch)" },
        },
      },
    },
    instantWinWins: { ...COUNT, description: 'Instant-win prizes won in the range' },
    giveawayEntries: { ...COUNT, description: 'Giveaway entries recorded in the range' },
    loyaltyStamps: { ...COUNT, description: 'Loyalty stamps given in the range' },
    loyaltyCards: { ...COUNT, description: 'Loyalty cards filled in the range' },
    quizzesCompleted: { ...COUNT, description: 'Quizzes finished in the range' },
    quizzesPassed: { ...COUNT, description: 'Quizzes finished at or above their pass mark in the range' },
    ratings: { ...COUNT, description: 'Ratings given in the range' },
    ratingsHigh: { ...COUNT, description: 'High ratings in the range: 4 or 5 stars, 9 or 10 on a net promoter question (promoters)' },
    ratingsLow: { ...COUNT, description: 'Low ratings in the range: 1 or 2 stars, 0 to 6 on a net promoter question (detractors)' },
    scores: {
      type: 'array',
      description: "Figures the flow's modules make of the counts, in the order of their first steps: `nps` (net promoter score, points from -100 to 100) when every rating step asks 0 to 10, `csat` (share of 4 and 5 stars) when every one asks for stars, `quizPassRate`; only with rows in the range. Made with the flow's steps as they stand now.",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'label', 'value', 'unit', 'basedOn'],
        properties: {
          key: { type: 'string', description: 'What the figure is: `nps`, `csat`, `quizPassRate`' },
          label: { type: 'string', description: 'Its name, to show' },
          value: { type: 'integer', minimum: -100, maximum: 100, description: 'Rounded to a whole number' },
          unit: { type: 'string', enum: ['percent', 'points'] },
          basedOn: { ...COUNT, description: 'The rows it is made of (ratings, quizzes finished)' },
        },
      },
    },
    byDay: {
      type: 'array',
      description: 'Every day of the range: sessions started that day and how many of them completed',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['day', 'starts', 'completions'],
        properties: { day: DAY, starts: COUNT, completions: COUNT },
      },
    },
  },
};
