import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { openShopChat, useWidgetSite, workspace } from './widget-site.js';
import { recordedEvents } from './host-site.js';

let context: BrowserContext | undefined;

const CARD_FLOW = {
  name: 'Coffee card',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'card' },
    { id: 'card', module: 'loyalty', config: { goal: 3, frequency: 'unlimited', prize: { id: 'coffee', title: 'a free coffee' }, completedText: 'Full! {{prize}} is yours', completedNext: 'voucher' }, next: 'bye' },
    { id: 'voucher', module: 'message', config: { text: 'Show this at the till' } },
    { id: 'bye', module: 'message', config: { text: 'See you soon' } },
  ],
};

useWidgetSite({ coffee: CARD_FLOW });

/** A visit: a fresh browser on the shop's page (another origin than Parley's) in `locale`, the email answered. */
async function visit(email: string, locale = 'en'): Promise<Page> {
  const opened = await openShopChat('coffee', { locale, attributes: 'data-datalayer="true"' });
  context = opened.context;
  await opened.dialog.getByLabel('Email', { exact: true }).fill(email);
  await opened.dialog.getByRole('button', { name: /^(Send|Envoyer)$/ }).click();
  return opened.page;
}

/** The places of the card drawn in the chat: true where stamped. */
const places = (page: Page): Promise<boolean[]> =>
  page.locator('parley-chat .msg.stamps .stamp').evaluateAll((spans) => spans.map((span) => span.classList.contains('filled')));

describe('the loyalty card drawn by the widget, against the real server', () => {
  it('shows each stamp on a card named in words, then the full card with its reward and the voucher step', async () => {
    let page = await visit('ann@example.org');
    const card = page.getByRole('img', { name: 'Loyalty card: 1 of 3 stamps' });
    await card.waitFor();
    expect(await page.getByText('Stamp collected: 1 of 3 on your card').count()).toBe(1);
    expect(await places(page)).toEqual([true, false, false]);
    // The card comes after what the step says, before the next step's message.
    expect(await page.locator('parley-chat .msg.bot').evaluateAll((nodes) => nodes.map((n) => n.textContent || n.getAttribute('aria-label')))).toEqual([
      'Your email?', 'Stamp collected: 1 of 3 on your card', 'Loyalty card: 1 of 3 stamps', 'See you soon',
    ]);
    const stampColour = await card.locator('.stamp.filled').evaluate((span) => getComputedStyle(span).backgroundColor);
    expect(stampColour).not.toBe('rgba(0, 0, 0, 0)');
    // The page hears the card (and its analytics too, through dataLayer), without the email.
    const stamps = (await recordedEvents(page)).filter((e) => e.type === 'parley:stamp');
    expect(stamps.map((e) => e.detail)).toEqual([{ widget: expect.any(String), workspace: workspace.id, flow: 'coffee', sessionId: expect.any(String), filled: 1, goal: 3 }]);
    const pushed = await page.evaluate(() => (window as unknown as { dataLayer: Array<Record<string, unknown>> }).dataLayer.filter((e) => e.event === 'parley_stamp'));
    expect(pushed).toEqual([{ event: 'parley_stamp', ...stamps[0]!.detail }]);
    expect(JSON.stringify(await recordedEvents(page))).not.toContain('ann@example.org');
    await context!.close();

    page = await visit('ann@example.org');
    await page.getByRole('img', { name: 'Loyalty card: 2 of 3 stamps' }).waitFor();
    await context!.close();

    page = await visit('ANN@example.org');
    await page.getByRole('img', { name: 'Loyalty card: 3 of 3 stamps' }).waitFor();
    expect(await places(page)).toEqual([true, true, true]);
    await page.getByText('Full! a free coffee is yours').waitFor();
    await page.getByText('Show this at the till').waitFor();
    expect(await page.getByText('See you soon').count()).toBe(0);
    expect((await recordedEvents(page)).filter((e) => e.type === 'parley:stamp').map((e) => [e.detail.filled, e.detail.goal])).toEqual([[3, 3]]);
  });

  it("names the card in the page's language", async () => {
    const page = await visit('bea@example.org', 'fr');
    await page.getByRole('img', { name: 'Carte de fidélité : 1 tampons sur 3' }).waitFor();
  });
});
