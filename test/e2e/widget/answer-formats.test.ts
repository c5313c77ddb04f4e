import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { DateTime } from 'luxon';
import { openShopChat, storage, useWidgetSite, workspace } from './widget-site.js';

/** Adults only: a birth date (18 or older), then a mobile number. */
const ADULTS = {
  name: 'Wine raffle',
  steps: [
    { id: 'born', module: 'text-question', config: { question: 'Your birth date?', variable: 'born', format: 'date', minAge: 18, tooYoungNext: 'minor' }, next: 'phone' },
    { id: 'phone', module: 'text-question', config: { question: 'Your mobile?', variable: 'phone', format: 'phone', country: 'FR' }, next: 'thanks' },
    { id: 'thanks', module: 'message', config: { text: 'We will call the winner' } },
    { id: 'minor', module: 'message', config: { text: 'Come back when you are 18' } },
  ],
};

/** A mobile number asked with no country of the step's own. */
const CALLBACK = {
  name: 'Call back',
  steps: [
    { id: 'phone', module: 'text-question', config: { question: 'Your mobile?', variable: 'phone', format: 'phone' }, next: 'thanks' },
    { id: 'thanks', module: 'message', config: { text: 'We will call you' } },
  ],
};

useWidgetSite({ wine: ADULTS, callback: CALLBACK });

const visit = () => openShopChat('wine', { title: 'Wine chat', browserLocale: 'en-US' });

const attributes = (field: Locator) => field.evaluate((input: HTMLInputElement) => ({ type: input.type, autocomplete: input.getAttribute('autocomplete'), max: input.max }));

describe('phone and date questions in the widget, against the real server', () => {
  it('asks a birth date in a date field up to today, then a mobile in a telephone field, and says what is wrong at the field', async () => {
    const { dialog } = await visit();
    const born = dialog.getByLabel('Your birth date?');
    const today = DateTime.fromJSDate(storage.clock.now(), { zone: workspace.timeZone }).toISODate();
    expect(await attributes(born)).toEqual({ type: 'date', autocomplete: 'bday', max: today });
    // A date half typed in (the month only) is not sent as an empty answer.
    await born.pressSequentially('06');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByText('Please enter a complete date.').waitFor();
    await born.fill('1991-06-18');
    await dialog.getByRole('button', { name: 'Send' }).click();

    const phone = dialog.getByLabel('Your mobile?');
    expect(await attributes(phone)).toMatchObject({ type: 'tel', autocomplete: 'tel' });
    await phone.fill('06 12');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByText('This phone number does not look right').waitFor();
    await phone.fill('06 12 34 56 78');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByText('We will call the winner').waitFor();
  });

  it('reads a number written without its code as the visitor’s country, which the browser’s language tells', async () => {
    const answer = async (browserLocale: string) => {
      const { dialog } = await openShopChat('callback', { title: 'Call back', browserLocale });
      await dialog.getByLabel('Your mobile?').fill('06 12 34 56 78');
      await dialog.getByRole('button', { name: 'Send' }).click();
      return dialog;
    };
    await (await answer('fr-FR')).getByText('We will call you').waitFor();
    // In the United States the same digits are no number: the visitor hears so at the field.
    await (await answer('en-US')).getByText('This phone number does not look right').waitFor();
  });

  it('turns away a visitor under 18', async () => {
    const { dialog } = await visit();
    const tenYearsAgo = DateTime.fromJSDate(storage.clock.now(), { zone: workspace.timeZone }).minus({ years: 10 }).toISODate()!;
    await dialog.getByLabel('Your birth date?').fill(tenYearsAgo);
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByText('Sorry, you must be 18 or older to take part.').waitFor();
    await dialog.getByText('Come back when you are 18').waitFor();
    expect(await dialog.getByLabel('Your mobile?').count()).toBe(0);
  });
});
