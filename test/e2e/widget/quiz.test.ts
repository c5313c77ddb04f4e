import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { openShopChat, useWidgetSite, workspace } from './widget-site.js';
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

useWidgetSite({ quiz: QUIZ_FLOW });

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
