import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useFakeGatewayBrowser } from './fake-gateway-browser.js';
import { EMAIL_REFUSAL, HOSTILE_GREETING, SHARE_PAGE } from './scripted-flows.js';
import { testPage } from './test-page.js';

const widget = useFakeGatewayBrowser();
const { openPage } = widget;

/** Whether the element is the focused element of its shadow root. */
function isFocused(page: Page, locator: ReturnType<Page['getByRole']>): Promise<boolean> {
  return locator.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el);
}

async function logText(page: Page): Promise<string> {
  return (await page.getByRole('log').textContent()) ?? '';
}

describe('chat widget against a scripted gateway', () => {
  it('walks hello → choice → email → consent → done, by accessible names, sending the device in the handshake', async () => {
    const page = await openPage('/walk', testPage(widget.gateway.url, [{ flow: 'pills', title: 'Pills', open: true }]), { hash: '#section-2' });
    const dialog = page.getByRole('dialog', { name: 'Pills' });
    await dialog.waitFor();
    expect(await page.getByRole('button', { name: 'Close chat' }).getAttribute('aria-expanded')).toBe('true');
    expect(await page.getByRole('log').getAttribute('aria-live')).toBe('polite');

    const red = page.getByRole('button', { name: 'Red pill' });
    await red.waitFor();
    expect(await isFocused(page, red)).toBe(true);
    await red.click();

    const email = page.getByRole('textbox', { name: 'Your email' });
    await email.waitFor();
    expect(await email.getAttribute('type')).toBe('email');
    expect(await isFocused(page, email)).toBe(true);
    expect(await logText(page)).toContain('You took the Red pill.');
    // The notice under the field, as text (never markup), describes the field; the privacy link beside it.
    const described = await email.evaluate((input) =>
      (input.getAttribute('aria-describedby') ?? '').split(' ').map((id) => (input.getRootNode() as ShadowRoot).getElementById(id)?.textContent ?? '').join('|'));
    expect(described).toBe('|We use your email for <b>this draw</b> only.');
    const privacy = page.getByRole('link', { name: 'Privacy policy' });
    expect(await privacy.getAttribute('href')).toBe('https://example.org/privacy');
    expect(await privacy.getAttribute('rel')).toBe('noopener noreferrer');
    await email.fill('ada@example.org');
    await page.getByRole('button', { name: 'Send' }).click();

    const consent = page.getByRole('checkbox', { name: 'I agree to receive the newsletter' });
    await consent.waitFor();
    const terms = page.getByRole('link', { name: 'Read the terms' });
    expect(await terms.getAttribute('href')).toBe('https://example.org/terms');
    expect(await terms.getAttribute('target')).toBe('_blank');
    expect(await terms.getAttribute('rel')).toBe('noopener noreferrer');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Please tick the box to continue.').waitFor();
    await consent.check();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByText('All done, see you soon!').waitFor();
    await page.getByRole('button', { name: 'Start again' }).waitFor();
    const log = await logText(page);
    expect(log).toContain('ada@example.org');
    expect(log).toContain('I agree');

    const handshake = widget.gateway.handshakes.at(-1)!;
    expect(handshake.auth).toMatchObject({ workspace: 'ws-test', flow: 'pills' });
    expect(handshake.auth.resumeToken).toBeUndefined();
    const device = handshake.auth.device as Record<string, unknown>;
    expect(device).toEqual({
      screenWidth: expect.any(Number),
      screenHeight: expect.any(Number),
      url: `${widget.gateway.url}/walk`,
      language: expect.stringMatching(/^[a-z]{2}/),
      timezone: expect.stringMatching(/\S/),
    });
    expect(Number.isNaN(Date.parse(String(handshake.auth.startedAt)))).toBe(false);

    // The conversation is over: its socket closes, and reopening the panel shows the log without connecting.
    await expect.poll(() => widget.gateway.connected()).toBe(0);
    const handshakes = widget.gateway.handshakes.length;
    await page.getByRole('button', { name: 'Close chat' }).click();
    await page.getByRole('button', { name: 'Open chat' }).click();
    expect(await logText(page)).toContain('All done, see you soon!');
    expect(widget.gateway.handshakes).toHaveLength(handshakes);

    await page.getByRole('button', { name: 'Start again' }).click();
    await page.getByRole('button', { name: 'Red pill' }).waitFor();
    expect(widget.gateway.connected()).toBe(1);
    expect(await logText(page)).not.toContain('ada@example.org');
    const fresh = widget.gateway.handshakes.at(-1)!;
    expect(fresh.auth.resumeToken).toBeUndefined();
    expect(fresh.resumed).toBe(false);
    expect(fresh.sessionId).not.toBe(handshake.sessionId);
  });

  it('closes the socket of a conversation left idle, and resumes the session when the visitor answers', async () => {
    const page = await openPage('/idle', testPage(widget.gateway.url, [{ flow: 'pills', title: 'Pills', open: true, idleTimeout: 1 }]));
    await page.getByRole('button', { name: 'Red pill' }).click();
    const email = page.getByRole('textbox', { name: 'Your email' });
    await email.waitFor();
    const session = widget.gateway.handshakes.at(-1)!.sessionId;
    await expect.poll(() => widget.gateway.connected(), { timeout: 10_000 }).toBe(0);

    await email.fill('idle@example.org');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('checkbox', { name: 'I agree to receive the newsletter' }).waitFor();
    const resumed = widget.gateway.handshakes.at(-1)!;
    expect(resumed).toMatchObject({ sessionId: session, resumed: true });
    expect(await logText(page)).toContain('idle@example.org');
    expect((await logText(page)).match(/You took the Red pill\./g)).toHaveLength(1);
  });

  it('shows bot markup literally: no element is created and no script runs', async () => {
    const page = await openPage('/xss', testPage(widget.gateway.url, [{ flow: 'pills', open: true }]));
    await page.getByRole('button', { name: 'Red pill' }).waitFor();
    expect(await logText(page)).toContain(HOSTILE_GREETING);
    expect(await page.locator('parley-chat img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    const links = page.locator('parley-chat a');
    expect(await links.count()).toBe(1);
    expect(await links.first().getAttribute('href')).toBe('https://example.org/');
    expect(await logText(page)).toContain('Not a real link');
  });

  it('opens a share button’s page in a new tab as it answers; an option with an address that is not http(s) stays a plain button', async () => {
    const page = await openPage('/share', testPage(widget.gateway.url, [{ flow: 'share', open: true }]));
    // The network's share page, answered in the browser: no request leaves the machine.
    await page.context().route('https://social.example/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>Shared</title>' }));
    const facebook = page.getByRole('link', { name: 'Facebook' });
    await facebook.waitFor();
    expect(await facebook.getAttribute('href')).toBe(SHARE_PAGE);
    expect(await facebook.getAttribute('target')).toBe('_blank');
    expect(await facebook.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await page.getByRole('link', { name: 'Odd network' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Odd network' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'No thanks' }).count()).toBe(1);
    const [tab] = await Promise.all([page.context().waitForEvent('page'), facebook.click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toBe(SHARE_PAGE);
    expect(await tab.title()).toBe('Shared');
    await page.getByText('You chose facebook.').waitFor();
    // The new tab has no handle on the chat's page.
    expect(await tab.evaluate(() => window.opener)).toBeNull();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  });

  it('shows the server validation message next to the email field, then continues after a correct answer', async () => {
    const page = await openPage('/validation', testPage(widget.gateway.url, [{ flow: 'pills', open: true }]));
    await page.getByRole('button', { name: 'Blue pill' }).click();
    const email = page.getByRole('textbox', { name: 'Your email' });

    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Please fill in this field.').waitFor();
    await email.fill('not-an-email');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Please enter a valid email address.').waitFor();

    // The browser accepts this address; the server refuses it.
    await email.fill('me@localhost');
    await page.getByRole('button', { name: 'Send' }).click();
    const refusal = page.getByText(EMAIL_REFUSAL);
    await refusal.waitFor();
    // The error is the field's first description (the notice under it the second).
    const describedBy = (await email.getAttribute('aria-describedby'))?.split(' ');
    expect(describedBy).toHaveLength(2);
    expect(await refusal.getAttribute('id')).toBe(describedBy![0]);
    expect(await refusal.getAttribute('aria-live')).toBe('polite');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await logText(page)).not.toContain('me@localhost');

    await email.fill('me@example.org');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('checkbox', { name: 'I agree to receive the newsletter' }).waitFor();
    expect(await logText(page)).toContain('me@example.org');
  });

  it('resumes the same session at the same step after a page reload', async () => {
    const page = await openPage('/reload', testPage(widget.gateway.url, [{ flow: 'pills', open: true }]));
    await page.getByRole('button', { name: 'Red pill' }).click();
    await page.getByRole('textbox', { name: 'Your email' }).waitFor();
    const first = widget.gateway.handshakes.at(-1)!;

    await page.reload();
    await page.getByRole('textbox', { name: 'Your email' }).waitFor();
    const second = widget.gateway.handshakes.at(-1)!;
    expect(second).not.toBe(first);
    expect(second.resumed).toBe(true);
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.auth.startedAt).toBe(first.auth.startedAt);
    expect(await page.getByRole('button', { name: 'Red pill' }).count()).toBe(0);
    expect(await logText(page)).toContain('You took the Red pill.');
  });

  it('re-sends an unacknowledged reply with the same clientMessageId after the socket drops; the gateway processes it once', async () => {
    const page = await openPage('/drop', testPage(widget.gateway.url, [{ flow: 'pills', open: true }]));
    await page.getByRole('button', { name: 'Red pill' }).click();
    await page.getByRole('textbox', { name: 'Your email' }).fill('grace@example.org');

    const held = widget.gateway.holdNextAck();
    await page.getByRole('button', { name: 'Send' }).click();
    const id = await held;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    widget.gateway.refuseConnections(true);
    widget.gateway.dropAll();
    await page.getByRole('status').getByText('Reconnecting…').waitFor();
    widget.gateway.refuseConnections(false);

    await widget.gateway.waitForDelivery(id, 2);
    await page.getByRole('checkbox', { name: 'I agree to receive the newsletter' }).waitFor();
    await page.getByRole('status').getByText('Reconnecting…').waitFor({ state: 'detached' });
    expect(widget.gateway.deliveries(id)).toEqual({ received: 2, processed: 1 });
    const log = await logText(page);
    expect(log.split('Thanks! One last thing.').length - 1).toBe(1);
    expect(log.split('grace@example.org').length - 1).toBe(1);
  });

  it('enforces required and maxLength on a text field and shows a rate limit without losing the session', async () => {
    const page = await openPage('/text', testPage(widget.gateway.url, [{ flow: 'name', open: true }]));
    const name = page.getByRole('textbox', { name: 'Your name' });
    await name.waitFor();
    expect(await name.getAttribute('maxlength')).toBe('12');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Please fill in this field.').waitFor();

    widget.gateway.failNextReply('rate_limited', 'Too many replies');
    await name.pressSequentially('Ada Lovelace-Byron');
    expect(await name.inputValue()).toBe('Ada Lovelace');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('You are going a bit fast. Please wait a moment and try again.').waitFor();
    expect(await logText(page)).not.toContain('Ada Lovelace');

    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Nice to meet you, Ada Lovelace.').waitFor();
  });
});
