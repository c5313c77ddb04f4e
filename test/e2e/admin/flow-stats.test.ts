import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { registry, saveTestFlow, TestVisitor } from '../../support/flow-harness.js';
import { FlowEngine } from '../../../runtime/engine/flow-engine.js';
import { NOW, signedIn, storage, useConsoleFixture, workspace } from './console-fixture.js';

useConsoleFixture();

// Paris in June is UTC+2: 22:30Z on 31 May is 00:30 on 1 June there; NOW (08:00Z on the 2nd) is today.
const DAY_ONE = new Date('2025-05-31T22:30:00Z');

beforeAll(async () => {
  await saveTestFlow(storage, workspace, 'quiz', {
    name: 'Quiz',
    steps: [
      { id: 'pick', module: 'choice', config: { text: 'Pick', options: [{ id: 'a', label: 'A' }] }, next: 'email' },
      { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'entry' },
      { id: 'entry', module: 'giveaway', config: {}, next: 'card' },
      { id: 'card', module: 'loyalty', config: { goal: 2, frequency: 'unlimited' }, next: 'rate' },
      { id: 'rate', module: 'rating', config: { question: 'Your visit?' }, next: 'trivia' },
      { id: 'trivia', module: 'quiz', config: { numbered: false, questions: [{ id: 'q', text: 'Two and two?', options: [{ id: 'four', label: '4', correct: true }, { id: 'five', label: '5' }] }] }, next: 'bye' },
      { id: 'bye', module: 'message', config: { text: 'Bye' } },
    ],
  });
  const engine = new FlowEngine({ storage, registry, clock: storage.clock });
  const visitor = () => new TestVisitor(engine, workspace.id, 'quiz');
  // The 1st: two complete (one rates 5 stars and passes the quiz, the other 2 stars and fails), one leaves at the choice. The 2nd: one leaves at the email.
  storage.clock.set(DAY_ONE);
  for (const [email, rating, answer] of [['one@example.org', '5', 'four'], ['two@example.org', '2', 'five']] as const) {
    const v = visitor();
    await v.start();
    await v.answer('a');
    await v.answer(email);
    await v.answer(rating);
    await v.answer(answer);
  }
  await visitor().start();
  storage.clock.set(NOW);
  const late = visitor();
  await late.start();
  await late.answer('a');
});

async function statistics(viewport?: { width: number; height: number }): Promise<Page> {
  const console = await signedIn(viewport);
  await console.section('Flows').click();
  await console.page.getByRole('button', { name: 'Statistics of flow Quiz' }).click();
  await console.page.getByRole('heading', { name: 'Statistics: Quiz' }).waitFor();
  return console.page;
}

async function figure(page: Page, name: string): Promise<string> {
  const text = await page.getByRole('group', { name, exact: true }).innerText();
  return text.split('\n').pop()!.trim();
}

async function rowsOf(page: Page, table: string): Promise<string[]> {
  return page.getByRole('table', { name: table }).getByRole('row').evaluateAll((rows) => rows.map((row) => [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent).join(' ')));
}

describe('flow statistics in the console (real Chromium, accessible names only)', () => {
  it('shows the last 30 days in the workspace zone: totals, the funnel as chart and table, each day as chart and table; a range can be chosen', async () => {
    const page = await statistics();
    await page.getByRole('table', { name: 'Funnel by step' }).waitFor();
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('2025-05-04');
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('2025-06-02');
    expect(await figure(page, 'Started')).toBe('4');
    expect(await figure(page, 'Completed')).toBe('2');
    expect(await figure(page, 'Completion rate')).toBe('50 %');
    expect(await figure(page, 'Giveaway entries')).toBe('2');
    expect(await figure(page, 'Instant-win wins')).toBe('0');
    expect(await figure(page, 'Loyalty stamps')).toBe('2');
    expect(await figure(page, 'Full loyalty cards')).toBe('0');
    expect(await figure(page, 'Quizzes finished')).toBe('2');
    expect(await figure(page, 'Quizzes passed')).toBe('1');
    expect(await figure(page, 'Ratings')).toBe('2');
    expect(await figure(page, 'High ratings (4–5 stars, NPS promoters)')).toBe('1');
    expect(await figure(page, 'Low ratings (1–2 stars, NPS detractors)')).toBe('1');
    expect(await figure(page, 'Satisfaction (CSAT)')).toBe('50 %');
    expect(await figure(page, 'Quiz pass rate')).toBe('50 %');
    expect(await rowsOf(page, 'Funnel by step')).toEqual([
      'Step Reached Left here Completed Completion rate',
      '1. Choice (pick) 4 1 2 50 %',
      '2. Email capture (email) 3 1 2 67 %',
      '3. Giveaway (raffle entry) (entry) 2 0 2 100 %',
      '4. Loyalty card (stamps) (card) 2 0 2 100 %',
      '5. Rating (rate) 2 0 2 100 %',
      '6. Quiz (trivia) 2 0 2 100 %',
      '7. Message (bye) 2 0 2 100 %',
    ]);
    await page.getByRole('img', { name: 'Sessions per day from 2025-05-04 to 2025-06-02: 4 started, 2 completed; the busiest day had 3 starts' }).waitFor();

    // The days as a table, behind a disclosure; then only the 1st.
    await page.getByText('Show the days as a table').click();
    const days = await rowsOf(page, 'Sessions by day');
    expect(days).toHaveLength(31);
    expect(days.slice(-2)).toEqual(['2025-06-01 3 2', '2025-06-02 1 0']);
    await page.getByLabel('From', { exact: true }).fill('2025-06-01');
    await page.getByLabel('To', { exact: true }).fill('2025-06-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('img', { name: /^Sessions per day from 2025-06-01 to 2025-06-01: 3 started, 2 completed/ }).waitFor();
    expect(await figure(page, 'Started')).toBe('3');
    expect(await page.getByRole('status').textContent()).toBe('Statistics from 2025-06-01 to 2025-06-01: 3 started, 2 completed.');
  });

  it('shows a refused range at the field it names, and fits 360 px without scrolling sideways', async () => {
    const page = await statistics({ width: 360, height: 780 });
    await page.getByRole('table', { name: 'Funnel by step' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.getByLabel('From', { exact: true }).fill('2025-06-02');
    await page.getByLabel('To', { exact: true }).fill('2025-05-20');
    await page.getByLabel('To', { exact: true }).press('Enter');
    await page.getByText('The first day must not be after the last day').waitFor();
    expect(await page.getByLabel('From', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Back to flows' }).click();
    await page.getByRole('button', { name: 'Statistics of flow Quiz' }).waitFor();
  });
});
