import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat, type ChatClient } from '../../support/chat-client.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { registry, saveTestFlow } from '../../support/flow-harness.js';
import type { RunningServer } from '../../../runtime/server.js';
import { rollUpThenSweep, sweptRows } from '../../../runtime/sweep-job.js';
import { rowStatisticSources } from '../../../runtime/stats/flow-stats.js';
import { rollUpFlowStats } from '../../../storage/flow-stats-rollup.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';

// January in New York is UTC-5: 04:30Z is 23:30 the day before.
const ZONE = 'America/New_York';
const T1 = new Date('2026-01-14T04:30:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const sources = rowStatisticSources(registry);

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;

beforeAll(async () => {
  storage = await createTestStorage({ start: T1 });
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

const QUIZ = {
  name: 'Quiz',
  steps: [
    { id: 'hello', module: 'message', config: { text: 'Hello' }, next: 'pick' },
    { id: 'pick', module: 'choice', config: { text: 'Pick', options: [{ id: 'a', label: 'A' }] }, next: 'email' },
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'entry' },
    { id: 'entry', module: 'giveaway', config: {}, next: 'win' },
    { id: 'win', module: 'instant-win', config: { mode: 'odds', odds: 1, prizes: [{ id: 'mug', title: 'Mug', stock: 10 }], winText: 'WIN', loseText: 'LOSE' }, next: 'bye' },
    { id: 'bye', module: 'message', config: { text: 'Bye' } },
  ],
};

async function quizWorkspace(): Promise<{ workspace: Workspace; key: string; hashId: string }> {
  const workspace = await createWorkspace(storage, { name: 'Stats', timeZone: ZONE });
  const flow = await saveTestFlow(storage, workspace, 'quiz', QUIZ);
  return { workspace, key: (await issueApiKey(storage.db, workspace.id)).key, hashId: flow.hashId };
}

async function stats(key: string, query = '', status = 200) {
  const response = await api(server.url, key, 'GET', `/api/v1/flows/quiz/stats${query}`);
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(contract.check('getFlowStats', response.status, response.body)).toEqual([]);
  return response.body;
}

/** A visitor through the gateway: starts, and answers until `until` (the step it leaves at, or the end). */
async function visit(workspace: Workspace, until: 'pick' | 'email' | 'end', email = ''): Promise<ChatClient> {
  const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'quiz' });
  expect(chat.firstTurn.stepId).toBe('pick');
  if (until === 'pick') return chat;
  const atEmail = await chat.reply('a');
  expect(atEmail.ok && atEmail.turn.stepId).toBe('email');
  if (until === 'end') await finish(chat, email);
  return chat;
}

async function finish(chat: ChatClient, email: string): Promise<void> {
  const ack = await chat.reply(email);
  expect(ack.ok && ack.turn.done, JSON.stringify(ack)).toBe(true);
  expect(ack.ok && ack.turn.messages.map((m) => (m.kind === 'text' ? m.text : ''))).toContain('WIN');
}

/** The funnel: per step, sessions that reached it, left there and completed after being shown it. */
function funnel(counts: Record<string, [number, number, number]>) {
  const titles: Record<string, [string, string]> = {
    hello: ['message', 'Message'], pick: ['choice', 'Choice'], email: ['email-capture', 'Email capture'],
    entry: ['giveaway', 'Giveaway (raffle entry)'], win: ['instant-win', 'Instant win'], bye: ['message', 'Message'],
  };
  return Object.entries(titles).map(([stepId, [module, title]]) => ({ stepId, module, title, reached: counts[stepId]?.[0] ?? 0, leftHere: counts[stepId]?.[1] ?? 0, completed: counts[stepId]?.[2] ?? 0 }));
}

function sample(text: string, name: string, flow: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{flow="${flow}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('GET /flows/{flow}/stats', () => {
  it('counts real sessions by start day in the workspace zone, live and rolled up alike, idempotently, and after the rows expired', async () => {
    storage.clock.set(T1);
    const { workspace, key, hashId } = await quizWorkspace();
    const all = '?from=2026-01-13&to=2026-01-14';

    // 23:30 on the 13th in New York: A completes, B leaves at the choice.
    const a = await visit(workspace, 'end', 'a@example.org');
    const b = await visit(workspace, 'pick');
    expect(await stats(key, all)).toMatchObject({ starts: 2, completions: 1, completionRate: 0.5, instantWinWins: 1, giveawayEntries: 1 });
    await rollUpFlowStats(storage.db, { now: storage.clock.now(), sources });
    const afterFirst = await stats(key, all);
    expect(afterFirst).toMatchObject({ starts: 2, completions: 1, instantWinWins: 1, giveawayEntries: 1 });
    expect(afterFirst.steps).toEqual(funnel({ hello: [2, 0, 1], pick: [2, 1, 1], email: [1, 0, 1], entry: [1, 0, 1], win: [1, 0, 1], bye: [1, 0, 1] }));

    // 23:50: C starts and stops at the email; a rollup counts it there; at 00:10 it completes.
    storage.clock.set(T1.getTime() + 20 * MINUTE);
    const c = await visit(workspace, 'email');
    await rollUpFlowStats(storage.db, { now: storage.clock.now(), sources });
    expect((await stats(key, all)).steps).toEqual(funnel({ hello: [3, 0, 1], pick: [3, 1, 1], email: [2, 1, 1], entry: [1, 0, 1], win: [1, 0, 1], bye: [1, 0, 1] }));
    storage.clock.set(T1.getTime() + 40 * MINUTE);
    await finish(c, 'c@example.org');

    // 00:30 on the 14th: D stops at the email; E is a console preview and counts nowhere.
    storage.clock.set(T1.getTime() + 60 * MINUTE);
    const d = await visit(workspace, 'email');
    const e = await visit(workspace, 'end', 'e@example.org');
    await sql`update chat_sessions set preview = true where id = ${e.session.sessionId}`.execute(storage.db);

    const expected = {
      from: '2026-01-13', to: '2026-01-14', timeZone: ZONE,
      starts: 4, completions: 2, completionRate: 0.5, instantWinWins: 2, giveawayEntries: 2, loyaltyStamps: 0, loyaltyCards: 0,
      quizzesCompleted: 0, quizzesPassed: 0, ratings: 0, ratingsHigh: 0, ratingsLow: 0, scores: [],
      steps: funnel({ hello: [4, 0, 2], pick: [4, 1, 2], email: [3, 1, 2], entry: [2, 0, 2], win: [2, 0, 2], bye: [2, 0, 2] }),
      byDay: [{ day: '2026-01-13', starts: 3, completions: 2 }, { day: '2026-01-14', starts: 1, completions: 0 }],
    };
    expect(await stats(key, all)).toEqual(expected);
    // Rows count on the day they were written (C's entry and win at 00:10 on the 14th), sessions on their start day.
    expect(await stats(key, '?from=2026-01-14&to=2026-01-14')).toMatchObject({ starts: 1, completions: 0, completionRate: 0, instantWinWins: 1, giveawayEntries: 1 });
    expect(await stats(key, '?from=2026-01-13&to=2026-01-13')).toMatchObject({ starts: 3, completions: 2, instantWinWins: 1, giveawayEntries: 1 });

    // A rollup once everything settled, and again: the same figures, the same kept rows.
    storage.clock.set(T1.getTime() + 90 * MINUTE);
    await rollUpFlowStats(storage.db, { now: storage.clock.now(), sources });
    const kept = async () => (await sql`select * from flow_stats_daily order by flow_id, day, step_id`.execute(storage.db)).rows;
    const once = await kept();
    expect(await stats(key, all)).toEqual(expected);
    const again = await rollUpFlowStats(storage.db, { now: storage.clock.now(), sources });
    expect(again).toEqual({ sessions: 0, rowGroups: 0 });
    expect(await kept()).toEqual(once);
    expect(await stats(key, all)).toEqual(expected);

    // A resumed session is not a new start; the counters saw five starts and three completions (E's preview flag came later).
    const resumed = await connectChat(server.url, { workspace: workspace.id, flow: 'quiz', resumeToken: b.session.resumeToken });
    expect(resumed.session.sessionId).toBe(b.session.sessionId);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(metrics, 'parley_flow_starts_total', hashId)).toBe(5);
    expect(sample(metrics, 'parley_flow_completions_total', hashId)).toBe(3);
    for (const chat of [a, b, c, d, e, resumed]) chat.close();

    // 70 days on, the sweep (rolling up first) removes the expired rows; the sessions go too. The counts stay.
    storage.clock.set(T1.getTime() + 70 * DAY);
    const maintenance = await rollUpThenSweep(storage, { now: storage.clock.now(), batchSize: 100, sources });
    expect(maintenance.rollup).toEqual({ sessions: 0, rowGroups: 0 });
    const left = await sql<{ n: number }>`select (select count(*) from store_participations where workspace_id = ${workspace.id})
      + (select count(*) from store_winners where workspace_id = ${workspace.id}) as n`.execute(storage.db);
    expect(Number(left.rows[0]!.n)).toBe(0);
    // The sessions (their variables, sealed email and device facts) went with them; the counts outlive them.
    const sessions = await sql<{ n: string }>`select count(*) as n from chat_sessions where workspace_id = ${workspace.id}`.execute(storage.db);
    expect(Number(sessions.rows[0]!.n)).toBe(0);
    expect(maintenance.sweep.sessionsDeleted).toBeGreaterThanOrEqual(5);
    // What /metrics counts (parley_rows_swept_total): the sessions beside the store tables.
    const swept = new Map(sweptRows(maintenance.sweep));
    expect(swept.get('chat_sessions')).toBe(maintenance.sweep.sessionsDeleted);
    expect(swept.get('participations')).toBeGreaterThanOrEqual(1);
    expect([...swept.values()].every((rows) => rows > 0)).toBe(true);
    expect(await stats(key, all)).toEqual(expected);
  });

  it('takes days in the workspace zone: 30 days to today by default, at most 366, in order; unknown flows are not found', async () => {
    storage.clock.set('2026-03-29T03:30:00Z'); // 23:30 on the 28th in New York
    const { key } = await quizWorkspace();
    const whole = await stats(key);
    expect(whole).toMatchObject({ from: '2026-02-27', to: '2026-03-28', timeZone: ZONE, starts: 0, completions: 0, completionRate: null, instantWinWins: 0, giveawayEntries: 0 });
    expect(whole.byDay).toHaveLength(30);
    expect(whole.byDay[29]).toEqual({ day: '2026-03-28', starts: 0, completions: 0 });
    expect(whole.steps.map((s: { stepId: string }) => s.stepId)).toEqual(['hello', 'pick', 'email', 'entry', 'win', 'bye']);
    expect((await stats(key, '?to=2025-12-31')).from).toBe('2025-12-02');
    expect((await stats(key, '?from=2025-03-29&to=2026-03-29')).byDay).toHaveLength(366);
    expect((await stats(key, '?from=2025-03-28&to=2026-03-29', 400)).error).toMatchObject({ code: 'validation_failed', path: '/query/to' });
    expect((await stats(key, '?from=2026-03-02&to=2026-03-01', 400)).error).toMatchObject({ path: '/query/from' });
    expect((await stats(key, '?from=2026-02-30', 400)).error).toMatchObject({ path: '/query/from' });
    expect((await stats(key, '?since=2026-02-01', 400)).error).toMatchObject({ path: '/query/since' });
    const other = (await issueApiKey(storage.db, (await createWorkspace(storage, { name: 'Other' })).id)).key;
    expect((await stats(other, '', 404)).error.code).toBe('not_found');
  });

  it('counts loyalty stamps and full cards on the day they were given, live and rolled up alike', async () => {
    // After the other tests' days (a rollup's watermark never goes back): 23:30 on 13 May in New York (UTC-4).
    const t2 = new Date('2026-05-14T03:30:00Z');
    storage.clock.set(t2);
    const workspace = await createWorkspace(storage, { name: 'Card stats', timeZone: ZONE });
    const key = (await issueApiKey(storage.db, workspace.id)).key;
    await saveTestFlow(storage, workspace, 'card', {
      name: 'Card',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'stamp' },
        { id: 'stamp', module: 'loyalty', config: { goal: 2, frequency: 'unlimited' } },
      ],
    });
    const stamp = async (email: string) => {
      const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'card' });
      expect((await chat.reply(email)).ok).toBe(true);
      chat.close();
    };
    const cardStats = async (query: string) => {
      const response = await api(server.url, key, 'GET', `/api/v1/flows/card/stats${query}`);
      expect(contract.check('getFlowStats', response.status, response.body)).toEqual([]);
      return response.body;
    };
    // 23:30 on the 13th: Ann's first two stamps fill a card; at 00:30 on the 14th her third and Bob's first.
    await stamp('ann@example.org');
    await stamp('ann@example.org');
    storage.clock.set(t2.getTime() + 60 * MINUTE);
    await stamp('ann@example.org');
    await stamp('bob@example.org');
    const expectations = async () => {
      expect(await cardStats('?from=2026-05-13&to=2026-05-14')).toMatchObject({ loyaltyStamps: 4, loyaltyCards: 1, instantWinWins: 0, giveawayEntries: 0 });
      expect(await cardStats('?from=2026-05-13&to=2026-05-13')).toMatchObject({ loyaltyStamps: 2, loyaltyCards: 1 });
      expect(await cardStats('?from=2026-05-14&to=2026-05-14')).toMatchObject({ loyaltyStamps: 2, loyaltyCards: 0 });
    };
    await expectations();
    await rollUpFlowStats(storage.db, { now: storage.clock.now(), sources });
    await expectations();
  });

  it('counts quizzes finished and passed, and ratings with the high and low ones, on the day they were given', async () => {
    // After the other tests' days: 23:30 on 20 June in New York (UTC-4).
    const t3 = new Date('2026-06-21T03:30:00Z');
    storage.clock.set(t3);
    const workspace = await createWorkspace(storage, { name: 'Survey stats', timeZone: ZONE });
    const key = (await issueApiKey(storage.db, workspace.id)).key;
    await saveTestFlow(storage, workspace, 'survey', {
      name: 'Survey',
      steps: [
        { id: 'quiz', module: 'quiz', config: { numbered: false, feedback: false, questions: [{ id: 'q', text: 'Two and two?', options: [{ id: 'four', label: '4', correct: true }, { id: 'five', label: '5' }] }] }, next: 'nps' },
        { id: 'nps', module: 'rating', config: { question: 'Recommend us?', scale: 'nps' } },
      ],
    });
    const answer = async (quiz: string, rating: string) => {
      const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'survey' });
      expect((await chat.reply(quiz)).ok).toBe(true);
      expect((await chat.reply(rating)).ok).toBe(true);
      chat.close();
    };
    const surveyStats = async (query: string) => {
      const response = await api(server.url, key, 'GET', `/api/v1/flows/survey/stats${query}`);
      expect(contract.check('getFlowStats', response.status, response.body)).toEqual([]);
      return response.body;
    };
    // 23:30 on the 20th: a pass rating 10 and a fail rating 3; at 00:30 on the 21st a pass rating 7.
    await answer('four', '10');
    await answer('five', '3');
    storage.clock.set(t3.getTime() + 60 * MINUTE);
    await answer('four', '7');
    const expectations = async () => {
      // Scores: the quiz's pass rate, and (every rating step asking 0 to 10) the net promoter score.
      const scores = (passRate: number, quizzes: number, nps: number, ratings: number) => [
        { key: 'quizPassRate', label: 'Quiz pass rate', value: passRate, unit: 'percent', basedOn: quizzes },
        { key: 'nps', label: 'Net promoter score', value: nps, unit: 'points', basedOn: ratings },
      ];
      expect(await surveyStats('?from=2026-06-20&to=2026-06-21')).toMatchObject({ quizzesCompleted: 3, quizzesPassed: 2, ratings: 3, ratingsHigh: 1, ratingsLow: 1, loyaltyStamps: 0, scores: scores(67, 3, 0, 3) });
      expect(await surveyStats('?from=2026-06-20&to=2026-06-20')).toMatchObject({ quizzesCompleted: 2, quizzesPassed: 1, ratings: 2, ratingsHigh: 1, ratingsLow: 1, scores: scores(50, 2, 0, 2) });
      expect(await surveyStats('?from=2026-06-21&to=2026-06-21')).toMatchObject({ quizzesCompleted: 1, quizzesPassed: 1, ratings: 1, ratingsHigh: 0, ratingsLow: 0, scores: scores(100, 1, 0, 1) });
      expect(await surveyStats('?from=2026-06-22&to=2026-06-22')).toMatchObject({ quizzesCompleted: 0, ratings: 0, scores: [] });
    };
    await expectations();
    await rollUpFlowStats(storage.db, { now: storage.clock.now(), sources });
    await expectations();
  });
});
