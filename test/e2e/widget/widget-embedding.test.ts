import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { renderDemoPage } from '../../../widget/demo-page.js';
import { TEST_WORKSPACE } from './fake-gateway.js';
import { useFakeGatewayBrowser } from './fake-gateway-browser.js';
import { testPage } from './test-page.js';

const widget = useFakeGatewayBrowser();
const { openPage } = widget;

const STYLE_KEYS = ['color', 'fontSize', 'fontFamily', 'lineHeight', 'letterSpacing', 'textTransform', 'display'] as const;

function computed(locator: Locator): Promise<Record<string, string>> {
  return locator.evaluate((el, keys) => {
    const style = getComputedStyle(el) as unknown as Record<string, string>;
    return Object.fromEntries(keys.map((k) => [k, style[k]!]));
  }, STYLE_KEYS as unknown as string[]);
}

describe('embedding the widget', () => {
  it('runs two widgets for two flows on one page independently', async () => {
    const page = await openPage('/two-flows', testPage(widget.gateway.url, [{ flow: 'pills', title: 'Pills', open: true }, { flow: 'name', title: 'Names', open: true }]));
    const pills = page.getByRole('dialog', { name: 'Pills' });
    const names = page.getByRole('dialog', { name: 'Names' });
    await names.getByRole('textbox', { name: 'Your name' }).fill('Ada');
    await names.getByRole('button', { name: 'Send' }).click();
    await names.getByText('Nice to meet you, Ada.').waitFor();
    await pills.getByRole('button', { name: 'Blue pill' }).click();
    await pills.getByRole('textbox', { name: 'Your email' }).waitFor();

    expect(await pills.getByText('Nice to meet you').count()).toBe(0);
    expect(await names.getByText('You took the Blue pill.').count()).toBe(0);
    const ids = await page.locator('parley-chat').evaluateAll((hosts) => hosts.map((h) => h.id));
    expect(new Set(ids).size).toBe(2);
    const [a, b] = [await pills.boundingBox(), await names.boundingBox()];
    expect(a!.x >= b!.x + b!.width || b!.x >= a!.x + a!.width).toBe(true);
    const registry = await page.evaluate(() => window.Parley!.widgets.map((w) => `${w.workspace}/${w.flow}`));
    expect(registry).toEqual(['ws-test/pills', 'ws-test/name']);
  });

  it('keeps two widgets of the same flow in two sessions, each resumed after a reload', async () => {
    const page = await openPage('/same-flow', testPage(widget.gateway.url, [{ flow: 'pills', title: 'First', open: true }, { flow: 'pills', title: 'Second', open: true }]));
    const first = page.getByRole('dialog', { name: 'First' });
    const second = page.getByRole('dialog', { name: 'Second' });
    await first.getByRole('button', { name: 'Red pill' }).click();
    await second.getByRole('button', { name: 'Blue pill' }).click();
    await first.getByText('You took the Red pill.').waitFor();
    await second.getByText('You took the Blue pill.').waitFor();
    const sessions = new Set(widget.gateway.handshakes.slice(-2).map((h) => h.sessionId));
    expect(sessions.size).toBe(2);

    await page.reload();
    await first.getByText('You took the Red pill.').waitFor();
    await second.getByText('You took the Blue pill.').waitFor();
    const resumed = widget.gateway.handshakes.slice(-2);
    expect(resumed.every((h) => h.resumed)).toBe(true);
    expect(new Set(resumed.map((h) => h.sessionId))).toEqual(sessions);
  });

  it('is not restyled by host page CSS', async () => {
    const hostile = [
      'button { color: red !important; font-size: 40px !important; text-transform: uppercase !important; display: block !important; }',
      '* { font-family: serif !important; line-height: 3 !important; letter-spacing: 5px !important; color: green !important; }',
      'div, section, p { display: none !important; }',
    ].join('\n');
    const body = '<button type="button">Page button</button>';
    const clean = await openPage('/css-clean', testPage(widget.gateway.url, [{ flow: 'pills', open: true }], { body }));
    await clean.getByRole('button', { name: 'Red pill' }).waitFor();
    const expected = {
      choice: await computed(clean.getByRole('button', { name: 'Red pill' })),
      launcher: await computed(clean.getByRole('button', { name: 'Close chat' })),
      log: await computed(clean.getByRole('log')),
    };
    await widget.closePage();

    const page = await openPage('/css-hostile', testPage(widget.gateway.url, [{ flow: 'pills', open: true }], { css: hostile, body }));
    await page.getByRole('button', { name: 'Red pill' }).waitFor();
    expect((await computed(page.getByRole('button', { name: 'Page button' }))).fontSize).toBe('40px');
    expect(await computed(page.getByRole('button', { name: 'Red pill' }))).toEqual(expected.choice);
    expect(await computed(page.getByRole('button', { name: 'Close chat' }))).toEqual(expected.launcher);
    expect(await computed(page.getByRole('log'))).toEqual(expected.log);
    expect(expected.choice.fontSize).toBe('15px');
  });

  it('fits a 360 px wide screen: the panel takes the full width', async () => {
    const page = await openPage('/narrow', testPage(widget.gateway.url, [{ flow: 'pills', title: 'Pills', open: true }]), { viewport: { width: 360, height: 740 } });
    await page.getByRole('button', { name: 'Red pill' }).click();
    const email = page.getByRole('textbox', { name: 'Your email' });
    await email.waitFor();
    const panel = (await page.getByRole('dialog', { name: 'Pills' }).boundingBox())!;
    expect(panel.x).toBeGreaterThanOrEqual(0);
    expect(panel.x + panel.width).toBeLessThanOrEqual(360);
    expect(panel.width).toBe(360);
    const field = (await email.boundingBox())!;
    expect(field.x + field.width).toBeLessThanOrEqual(360);
    await page.screenshot({ path: '/tmp/parley-widget-360.png' });

    await page.getByRole('button', { name: 'Hide chat' }).click();
    await page.getByRole('button', { name: 'Open chat' }).click();
    await email.waitFor();
  });

  it('speaks the language of data-locale and connects only once the panel is opened', async () => {
    const before = widget.gateway.handshakes.length;
    const page = await openPage('/french', testPage(widget.gateway.url, [{ flow: 'name', locale: 'fr-CA' }]));
    const launcher = page.getByRole('button', { name: 'Ouvrir la discussion' });
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(widget.gateway.handshakes.length).toBe(before);
    await launcher.click();
    await page.getByRole('dialog', { name: 'Discutons' }).getByRole('textbox', { name: 'Your name' }).waitFor();
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.getByText('Veuillez remplir ce champ.').waitFor();
    expect(widget.gateway.handshakes.length).toBe(before + 1);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Ouvrir la discussion' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('serves a demo page that opens the panel at load and shows the snippet to copy', async () => {
    const widgetUrl = `${widget.gateway.url}/widget.js`;
    const page = await openPage('/demo', renderDemoPage({ workspaceId: TEST_WORKSPACE, flowId: 'pills', widgetUrl }));
    expect(await page.title()).toBe('Parley demo');
    await page.getByRole('button', { name: 'Red pill' }).waitFor();
    expect(await page.locator('#snippet').textContent()).toBe(`<script src="${widgetUrl}" data-workspace="ws-test" data-flow="pills"></script>`);
    await page.screenshot({ path: '/tmp/parley-demo.png' });
  });

  it('escapes the demo page values: a hostile workspace id stays an attribute value', async () => {
    const workspaceId = 'x"><img src=x onerror="window.__pwned=1">';
    const page = await openPage('/demo-hostile', renderDemoPage({ workspaceId, flowId: 'pills', widgetUrl: `${widget.gateway.url}/widget.js` }));
    await page.getByRole('dialog').waitFor();
    expect(await page.locator('script[data-flow]').getAttribute('data-workspace')).toBe(workspaceId);
    expect(await page.locator('img').count()).toBe(0);
    // The snippet shown for copy-paste, parsed as HTML, gives back the same attribute value.
    const pasted = await page.locator('#snippet').evaluate((code) => {
      const template = document.createElement('template');
      template.innerHTML = code.textContent ?? '';
      return { workspace: template.content.querySelector('script')?.getAttribute('data-workspace'), images: template.content.querySelectorAll('img').length };
    });
    expect(pasted).toEqual({ workspace: workspaceId, images: 0 });
    await page.getByRole('status').getByText('Chat is unavailable right now. Retrying…').waitFor();
  });
});
