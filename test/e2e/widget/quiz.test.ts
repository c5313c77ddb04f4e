import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { openShopChat, storage, useWidgetSite, workspace } from './widget-site.js';
import { recordedEvents } from './host-site.js';

const QUIZ_FLOW = {
  name: 'Coffee quiz',
  steps: [
    {
      id: 'quiz',
      module: 'quiz',
      config: {
        intro: 'Three questions about us',
        questions: [
          { id: 'year', text: 'When did we open?', options: [{ id: 'y1990', label: '1990', correct: true }, { id: 'y2000', label: '2000' }], explanation: 'Our first shop opened in 1990.' },
          { id: 'city', text: 'Where?', options: [{ id: 'lyon', label: 'Lyon' }, { id: 'paris', label: 'Paris', correct: true }] },
          { id: 'bean', text: 'Which beans?', options: [{ id: 'arabica', label: 'Arabica', correct: true }, { id: 'tea', label: 'Tea' }] },
        ],
        passScore: 2,
        failedNext: 'sorry',
      },
      next: 'draw',
    },
    { id: 'draw', module: 'message', config: { text: 'You are in the draw' } },
    { id: 'sorry', module: 'message', config: { text: 'Better luck next time' } },
  ],
};

/** The same quiz with 5 seconds per question. */
const TIMED_FLOW = { ...QUIZ_FLOW, name: 'Timed quiz', steps: QUIZ_FLOW.steps.map((step) => (step.id === 'quiz' ? { ...step, config: { ...step.config, timeLimitSeconds: 5 } } : step)) };

useWidgetSite({ quiz: QUIZ_FLOW, timed: TIMED_FLOW });

/** Clicks the answer, once the question it answers is asked. */
async function answer(dialog: Locator, question: string, label: string): Promise<void> {
  await dialog.getByText(question).waitFor();
  await dialog.getByRole('button', { name: label, exact: true }).click();
}

const botTexts = (dialog: Locator) => dialog.locator('.msg.bot').allTextContents();

describe('a quiz in the widget, against the real server', () => {
  it('asks each question numbered with its answers as buttons, says right or wrong with the explanation, then the score; passing goes on', async () => {
    const { page, dialog } = await openShopChat('quiz');
    await dialog.getByText('Question 1 of 3\nWhen did we open?').waitFor();
    expect(await dialog.getByRole('button', { name: /^(1990|2000)$/ }).allTextContents()).toEqual(['1990', '2000']);
    await answer(dialog, 'When did we open?', '2000');
    await answer(dialog, 'Question 2 of 3\nWhere?', 'Paris');
    await answer(dialog, 'Question 3 of 3\nWhich beans?', 'Arabica');
    await dialog.getByText('You are in the draw').waitFor();
    expect(await botTexts(dialog)).toEqual([
      'Three questions about us', 'Question 1 of 3\nWhen did we open?',
      'Not quite: the answer was 1990.', 'Our first shop opened in 1990.', 'Question 2 of 3\nWhere?',
      'Right!', 'Question 3 of 3\nWhich beans?',
      'Right!', 'You got 2 of 3 right. Well done!', 'You are in the draw',
    ]);
    // The page hears each answer to the quiz step, without what was answered (no answer id or label in any event).
    const events = await recordedEvents(page);
    const heard = { widget: expect.any(String), workspace: workspace.id, flow: 'quiz', sessionId: expect.any(String), stepId: 'quiz', module: 'quiz' };
    expect(events.filter((e) => e.type === 'parley:answer').map((e) => e.detail)).toEqual([heard, heard, heard]);
    expect(JSON.stringify(events)).not.toMatch(/y2000|paris|arabica/i);
  });

  it('counts a timed question down; at zero it says time is up with no answer, and the server scores late answers wrong by its own clock', async () => {
    const { dialog } = await openShopChat('timed');
    const timer = dialog.getByRole('timer');
    await dialog.getByText('Question 1 of 3\nWhen did we open?').waitFor();
    expect(await timer.textContent()).toMatch(/^[1-5] s left$/);
    await answer(dialog, 'When did we open?', '1990');
    await dialog.getByText('Right!').waitFor();
    // Left to run out: the widget counts down and says so by itself; by the server's clock (moved
    // on at once, long before the widget's five seconds end) the limit has passed too.
    await dialog.getByText('Question 2 of 3\nWhere?').waitFor();
    storage.clock.advance(6_000);
    await timer.filter({ hasText: /^[1-4] s left$/ }).waitFor();
    await dialog.getByText('Time’s up! The answer was Paris.').waitFor();
    expect(await dialog.locator('.msg.user').allTextContents()).toEqual(['1990', 'Time’s up']);
    // Clicked in the widget's time, but late by the server's clock (past the network's grace): time up as well.
    await dialog.getByText('Question 3 of 3\nWhich beans?').waitFor();
    storage.clock.advance(8_000);
    await dialog.getByRole('button', { name: 'Arabica', exact: true }).click();
    await dialog.getByText('You got 1 of 3 right; 2 were needed.').waitFor();
    expect(await botTexts(dialog)).toEqual([
      'Three questions about us', 'Question 1 of 3\nWhen did we open?',
      'Right!', 'Our first shop opened in 1990.', 'Question 2 of 3\nWhere?',
      'Time’s up! The answer was Paris.', 'Question 3 of 3\nWhich beans?',
      'Time’s up! The answer was Arabica.', 'You got 1 of 3 right; 2 were needed.', 'Better luck next time',
    ]);
    expect(await timer.count()).toBe(0);
  });

  it('sends a participant below the pass mark to its failed step', async () => {
    const { dialog } = await openShopChat('quiz');
    await answer(dialog, 'When did we open?', '2000');
    await answer(dialog, 'Where?', 'Lyon');
    await answer(dialog, 'Which beans?', 'Tea');
    await dialog.getByText('You got 0 of 3 right; 2 were needed.').waitFor();
    await dialog.getByText('Better luck next time').waitFor();
    expect(await dialog.getByText('You are in the draw').count()).toBe(0);
  });
});
