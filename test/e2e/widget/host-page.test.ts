import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { EVENT_RECORDER, recordedEvents, type RecordedEvent } from './host-site.js';
import { api } from '../../support/test-server.js';
import { browser, key, server, site, useWidgetSite, workspace } from './widget-site.js';

const EMAIL = 'neo.anderson@example.org';

const campaignFlow = {
  name: 'Spring campaign',
  steps: [
    { id: 'hello', module: 'message', config: { text: 'Welcome, {{utm_source}} reader!' }, next: 'pick' },
    { id: 'pick', module: 'choice', config: { text: 'Which gift?', options: [{ id: 'mug', label: 'A mug' }, { id: 'pen', label: 'A pen' }] }, next: 'email' },
    { id: 'email', module: 'email-capture', config: { question: 'What is your email address?' }, next: 'draw' },
    { id: 'draw', module: 'giveaway', config: { frequency: 'once', confirmText: "You're in the draw" } },
  ],
};
const planFlow = { name: 'Plans', steps: [{ id: 'plan', module: 'message', config: { text: 'Plan {{plan}}, campaign {{utm_campaign}}.' } }] };

useWidgetSite({ spring: campaignFlow, plans: planFlow });

async function open(path: string, body: string, query = '', colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; context: BrowserContext }> {
  site.pages.set(path, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Spring sale</h1>${body}</body></html>`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
  await context.addInitScript(EVENT_RECORDER);
  const page = await context.newPage();
  await page.goto(`${site.origin}${path}${query}`);
  return { page, context };
}

const recorded = recordedEvents;

describe('the widget on a marketing page of another origin', () => {
  it('follows the brand, takes utm_source from the URL, tells the page every step, and the export has the source', async () => {
    const tag = `<script src="${server.url}/widget.js" data-workspace="${workspace.id}" data-flow="spring" data-title="Spring gifts"
      data-color="#0f766e" data-theme="dark" data-position="left" data-url-variables="utm_source" data-datalayer="true"
      data-variables='{"plan":"pro","bad-name":"x"}'></script>`;
    const { page, context } = await open('/landing', tag, '?utm_source=newsletter&utm_medium=email&email=leak%40example.org');

    const launcher = page.getByRole('button', { name: 'Open chat' });
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(15, 118, 110)');
    expect((await launcher.boundingBox())!.x).toBeLessThan(100);
    await launcher.click();
    const dialog = page.getByRole('dialog', { name: 'Spring gifts' });
    await dialog.getByText('Welcome, newsletter reader!').waitFor();
    expect(await dialog.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(17, 24, 39)');

    await dialog.getByRole('button', { name: 'A mug' }).click();
    await dialog.getByRole('textbox', { name: 'Email' }).fill(EMAIL);
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByText("You're in the draw").waitFor();
    await page.getByRole('button', { name: 'Hide chat' }).click();
    await page.getByRole('button', { name: 'Open chat' }).waitFor();

    const events = await recorded(page);
    const types = events.map((e) => e.type);
    expect(new Set(types)).toEqual(new Set(['parley:ready', 'parley:open', 'parley:close', 'parley:turn', 'parley:answer', 'parley:end', 'parley:error']));
    expect(types[0]).toBe('parley:error'); // the dropped variable, reported at mount
    expect(events[0]!.detail).toMatchObject({ code: 'variables_dropped', path: '/variables/bad-name' });
    expect(types.slice(1, 3)).toEqual(['parley:ready', 'parley:open']);
    expect(types.slice(-2)).toEqual(['parley:end', 'parley:close']);
    const sessionId = events.find((e) => e.type === 'parley:turn')!.detail.sessionId;
    expect(sessionId).toEqual(expect.any(String));
    for (const event of events) expect(event.detail).toMatchObject({ widget: expect.any(String), workspace: workspace.id, flow: 'spring' });
    for (const event of events.filter((e) => e.type !== 'parley:ready' && e.type !== 'parley:error' && e.type !== 'parley:open')) {
      expect(event.detail.sessionId, event.type).toBe(sessionId);
    }
    expect(events.filter((e) => e.type === 'parley:answer').map((e) => [e.detail.stepId, e.detail.module])).toEqual([['pick', 'choice'], ['email', 'email-capture']]);
    expect(events.filter((e) => e.type === 'parley:turn').map((e) => e.detail.stepId)).toEqual(['pick', 'email', null]);

    // The same events in the dataLayer, with underscores; no personal data anywhere.
    const dataLayer = await page.evaluate(() => (window as unknown as { dataLayer: Array<{ event: string }> }).dataLayer);
    expect(dataLayer.map((d) => d.event)).toEqual(types.map((t) => t.replace('parley:', 'parley_')));
    const everything = JSON.stringify({ events, dataLayer });
    expect(everything).not.toContain(EMAIL);
    expect(everything).not.toContain('neo.anderson');
    expect(everything).not.toContain('leak');
    await context.close();

    // The export names the source of the participation; only the allow-listed parameter came in.
    const created = await api(server.url, key, 'POST', '/api/v1/exports', {
      name: 'Spring entries',
      source: { flow: 'spring' },
      scope: 'entries',
      fields: [
        { field: 'form.email', column: 'EMAIL' },
        { field: 'variable.utm_source', column: 'SOURCE' },
        { field: 'variable.utm_medium', column: 'MEDIUM' },
        { field: 'variable.plan', column: 'PLAN' },
      ],
      format: { type: 'csv', delimiter: ';' },
      fileNamePattern: '{export}',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const preview = await api(server.url, key, 'POST', `/api/v1/exports/${created.body.id}/preview`, {});
    expect(preview.status).toBe(200);
    expect(preview.body.rows).toEqual([[EMAIL, 'newsletter', '', 'pro']]);
  });

  it('drives widgets from a single-page app: init, setVariables, toggle, reset, and an inline chat beside a bubble', async () => {
    const body = `<div id="chat" style="width: 400px"></div><script src="${server.url}/widget.js"></script>`;
    const { page, context } = await open('/app', body, '', 'dark');
    await page.waitForFunction(() => typeof window.Parley?.init === 'function');
    await page.evaluate((ws) => {
      const bubble = window.Parley!.init!({ workspace: ws, flow: 'plans', title: 'Plans', locale: 'de', variables: { plan: 'pro' } });
      bubble.setVariables({ utm_campaign: 'spring', plan: 'team' });
      bubble.toggle();
      window.Parley!.init!({ workspace: ws, flow: 'spring', title: 'Inline', mode: 'inline', container: '#chat', theme: 'auto' });
    }, workspace.id);
    const bubble = page.getByRole('dialog', { name: 'Plans' });
    await bubble.getByText('Plan team, campaign spring.').waitFor();
    expect(await page.getByRole('button', { name: 'Chat schließen' }).count()).toBe(1);
    const inline = page.getByRole('dialog', { name: 'Inline' });
    await inline.getByRole('button', { name: 'A pen' }).waitFor();
    expect(await page.locator('#chat > parley-chat').count()).toBe(1);
    expect(await inline.evaluate((el) => getComputedStyle(el).position)).toBe('relative');
    // theme "auto" follows the visitor's dark preference; the bubble without a theme stays light.
    expect(await inline.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(17, 24, 39)');
    expect(await bubble.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 255, 255)');

    const first = (await recorded(page)).find((e) => e.type === 'parley:end' && e.detail.flow === 'plans')!.detail.sessionId;
    await page.evaluate(() => {
      const plans = window.Parley!.widgets.find((w) => w.flow === 'plans')!;
      plans.reset();
      plans.toggle();
    });
    await page.getByRole('button', { name: 'Chat öffnen' }).waitFor();
    await page.waitForFunction((id) => (window as unknown as { __events: RecordedEvent[] }).__events.some((e) => e.type === 'parley:end' && e.detail.flow === 'plans' && e.detail.sessionId !== id), first);
    const events = await recorded(page);
    expect(events.filter((e) => e.detail.flow === 'plans').map((e) => e.type)).toEqual(
      expect.arrayContaining(['parley:ready', 'parley:open', 'parley:turn', 'parley:end', 'parley:close']),
    );
    expect(events.filter((e) => e.detail.flow === 'spring').map((e) => e.type).slice(0, 3)).toEqual(['parley:ready', 'parley:open', 'parley:turn']);
    expect(await page.evaluate(() => window.Parley!.widgets.map((w) => w.flow))).toEqual(['plans', 'spring']);
    await context.close();
  });
});
