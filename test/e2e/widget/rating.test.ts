import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { openShopChat, useWidgetSite } from './widget-site.js';

const FLOWS = {
  stars: {
    name: 'Your stay',
    steps: [
      { id: 'stay', module: 'rating', config: { question: 'How was your stay?', lowNext: 'sorry' }, next: 'thanks' },
      { id: 'thanks', module: 'message', config: { text: 'Glad to hear it' } },
      { id: 'sorry', module: 'message', config: { text: 'We are sorry to hear that' } },
    ],
  },
  nps: {
    name: 'Recommend',
    steps: [
      { id: 'nps', module: 'rating', config: { question: 'How likely are you to recommend us?', scale: 'nps', lowLabel: 'Not at all likely', highLabel: 'Extremely likely' }, next: 'thanks' },
      { id: 'thanks', module: 'message', config: { text: 'Thank you!' } },
    ],
  },
};

useWidgetSite(FLOWS);

async function chat(flow: string, locale = 'en'): Promise<Locator> {
  return (await openShopChat(flow, { locale, title: 'Hotel chat' })).dialog;
}

/** The rating buttons' accessible names, in order. */
const names = (dialog: Locator) => dialog.locator('.rating .rate').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));

describe('ratings in the widget, against the real server', () => {
  it('draws five stars named in words that light up to the one pointed at; a low rating leads to its step', async () => {
    const dialog = await chat('stars');
    await dialog.getByText('How was your stay?').waitFor();
    expect(await names(dialog)).toEqual(['1 of 5 stars', '2 of 5 stars', '3 of 5 stars', '4 of 5 stars', '5 of 5 stars']);
    await dialog.getByRole('button', { name: '3 of 5 stars' }).hover();
    const lit = await dialog.locator('.rating .rate').evaluateAll((buttons) => buttons.map((b) => b.classList.contains('lit')));
    expect(lit).toEqual([true, true, true, false, false]);
    await dialog.getByRole('button', { name: '2 of 5 stars' }).click();
    await dialog.getByText('We are sorry to hear that').waitFor();
    // The log shows the rating in words, as the visitor's answer.
    expect(await dialog.locator('.msg.user').allTextContents()).toEqual(['2 of 5 stars']);
  });

  it('draws 0 to 10 with the ends named under the scale and in the end buttons’ names, in the page’s language', async () => {
    const dialog = await chat('nps');
    await dialog.getByRole('button', { name: '0 out of 10, Not at all likely' }).waitFor();
    expect(await dialog.locator('.rating .rate').allTextContents()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(await dialog.locator('.rating-ends').textContent()).toBe('Not at all likelyExtremely likely');
    await dialog.getByRole('button', { name: '10 out of 10, Extremely likely' }).click();
    await dialog.getByText('Thank you!').waitFor();

    const french = await chat('nps', 'fr');
    await french.getByRole('button', { name: '7 sur 10' }).waitFor();
  });
});
