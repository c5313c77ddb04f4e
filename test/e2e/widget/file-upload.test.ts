import { describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { recordedEvents } from './host-site.js';
import { samplePng } from '../../support/sample-files.js';
import { api } from '../../support/test-server.js';
import { key, openShopChat, server, site, useWidgetSite, workspace } from './widget-site.js';

const RECEIPT_FLOW = {
  name: 'Receipts',
  steps: [
    {
      id: 'receipt', module: 'file-upload',
      config: { question: 'Send us your receipt', variable: 'receipt', accept: ['image/png', 'application/pdf'], maxSizeMb: 1 },
      next: 'thanks',
    },
    { id: 'thanks', module: 'message', config: { text: 'Thanks, your receipt is in.' } },
  ],
};
const OPTIONAL_FLOW = {
  name: 'Optional receipt',
  steps: [
    {
      id: 'photo', module: 'file-upload',
      config: { question: 'A photo of your purchase, if you like', variable: 'photo', accept: ['image/png'], required: false, skipLabel: 'No photo' },
      next: 'after',
    },
    { id: 'after', module: 'message', config: { text: 'On we go.' } },
  ],
};

useWidgetSite({ receipts: RECEIPT_FLOW, optional: OPTIONAL_FLOW });

/** What the page sent to the files route, and what it got back. */
interface Uploads {
  readonly requests: Request[];
  readonly answers: Array<{ status: number; headers: Record<string, string> }>;
}

/** A host page on the allowed origin with one open widget for `flow`, and the uploads it makes. */
async function open(flow: string): Promise<{ page: Page; uploads: Uploads }> {
  const uploads: Uploads = { requests: [], answers: [] };
  const { page } = await openShopChat(flow, {
    before(page) {
      page.on('request', (request) => {
        if (new URL(request.url()).pathname.endsWith('/files')) uploads.requests.push(request);
      });
      page.on('response', (response) => {
        if (new URL(response.url()).pathname.endsWith('/files')) uploads.answers.push({ status: response.status(), headers: response.headers() });
      });
    },
  });
  return { page, uploads };
}

const recorded = recordedEvents;

/** The text of the input's error line (its `aria-describedby` names it first). */
function inputError(page: Page, label: string): Promise<string> {
  return page.getByLabel(label).evaluate((input) => {
    const [id] = (input.getAttribute('aria-describedby') ?? '').split(' ');
    return (input.getRootNode() as ShadowRoot).getElementById(id ?? '')?.textContent ?? '';
  });
}

const userAnswers = (page: Page): Promise<string[]> => page.locator('parley-chat .msg.user').allTextContents();

async function fileRows(flowId?: string): Promise<Array<Record<string, any>>> {
  const listed = await api(server.url, key, 'GET', `/api/v1/tables/files/rows${flowId ? `?flowId=${flowId}` : ''}`);
  expect(listed.status, JSON.stringify(listed.body)).toBe(200);
  return listed.body.rows;
}

async function flowId(slug: string): Promise<string> {
  const flow = await api(server.url, key, 'GET', `/api/v1/flows/${slug}`);
  return flow.body.uuid;
}

describe('the file input against the real server, from a page of another allowed origin', () => {
  it('sends a PNG over HTTP with the session token, shows its name as the answer, moves on, and Files keeps one row without the bytes', async () => {
    const { page, uploads } = await open('receipts');
    const dialog = page.getByRole('dialog', { name: 'Shop chat' });
    const input = dialog.getByLabel('Send us your receipt');
    await input.waitFor();
    expect(await input.getAttribute('type')).toBe('file');
    expect(await input.getAttribute('accept')).toBe('image/png,application/pdf');
    expect(await dialog.getByText('Up to 1 MB.').count()).toBe(1);
    expect(await dialog.getByRole('button', { name: 'Skip' }).count()).toBe(0);

    const bytes = samplePng(1);
    const name = 'reçu <img src=x onerror=alert(1)> mars & co.png';
    await input.setInputFiles({ name, mimeType: 'image/png', buffer: bytes });
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await dialog.getByText('Thanks, your receipt is in.').waitFor();
    expect(await dialog.getByLabel('Send us your receipt').count()).toBe(0);
    // The name is the visitor's answer, as text (never markup).
    expect(await userAnswers(page)).toEqual([name]);
    expect(await page.locator('parley-chat .msg.user img').count()).toBe(0);

    // One request, carrying the file's type, the session token, the reply id and the encoded name (the body,
    // a file, is not shown to Playwright: the row's size and detected type below show it arrived whole);
    // the answer names the page's origin for CORS.
    expect(uploads.requests).toHaveLength(1);
    const request = uploads.requests[0]!;
    expect(request.method()).toBe('POST');
    expect(request.url()).toBe(`${server.url}/chat/${workspace.id}/receipts/files`);
    const headers = await request.allHeaders();
    expect(headers['content-type']).toBe('image/png');
    expect(headers['x-parley-file-name']).toBe(encodeURIComponent(name));
    expect(headers['x-parley-message-id']).toMatch(/^[0-9a-f-]{36}$/);
    const token = await page.evaluate(() => {
      const stored = Object.keys(localStorage).find((k) => k.startsWith('parley:session:'));
      return JSON.parse(localStorage.getItem(stored!)!).resumeToken as string;
    });
    expect(headers.authorization).toBe(`Bearer ${token}`);
    expect(uploads.answers).toEqual([{ status: 200, headers: expect.objectContaining({ 'access-control-allow-origin': site.origin }) }]);

    // The page hears of the answer as of any other: step and module, never the file or its name.
    const events = await recorded(page);
    expect(events.filter((e) => e.type === 'parley:answer').map((e) => [e.detail.stepId, e.detail.module])).toEqual([['receipt', 'file-upload']]);
    expect(events.filter((e) => e.type === 'parley:error')).toEqual([]);
    const everything = JSON.stringify(events);
    expect(everything).not.toContain('reçu');
    expect(everything).not.toContain(encodeURIComponent(name));

    // Files holds one row: type, size and name, not the bytes.
    const rows = await fileRows(await flowId('receipts'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ table: 'files', stepId: 'receipt', moduleId: 'file-upload', data: { variable: 'receipt', type: 'image/png', bytes: bytes.length }, personal: { name } });
    const row = JSON.stringify(rows[0]);
    expect(row).not.toContain(bytes.toString('base64'));
    expect(row).not.toContain(bytes.toString('base64').slice(0, 12));
    expect(row).not.toContain(bytes.toString('hex').slice(0, 16));
    expect(Object.keys(rows[0]!).sort()).toEqual(['createdAt', 'data', 'expiresAt', 'flowId', 'id', 'moduleId', 'participantRef', 'personal', 'sessionId', 'stepId', 'table']);
  });

  it('shows the server’s refusal of a file whose bytes are not of an accepted type at the input; the step waits, and another file goes through', async () => {
    const { page, uploads } = await open('receipts');
    const dialog = page.getByRole('dialog', { name: 'Shop chat' });
    const input = dialog.getByLabel('Send us your receipt');
    await input.setInputFiles({ name: 'x.png', mimeType: 'image/png', buffer: Buffer.from('just some text, not a picture\n') });
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => inputError(page, 'Send us your receipt')).toBe('Please send a PNG or PDF file');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await input.isEnabled()).toBe(true);
    expect(await dialog.getByRole('button', { name: 'Send', exact: true }).isEnabled()).toBe(true);
    expect(await userAnswers(page)).toEqual([]);
    expect(await dialog.getByText('Thanks, your receipt is in.').count()).toBe(0);
    expect(uploads.answers.map((a) => a.status)).toEqual([200]);
    const events = await recorded(page);
    expect(events.filter((e) => e.type === 'parley:error').map((e) => e.detail.code)).toEqual(['validation_failed']);
    expect(events.filter((e) => e.type === 'parley:answer')).toEqual([]);

    // A reload finds the same step waiting; a real PNG then goes through, with a new reply id.
    await page.reload();
    const again = dialog.getByLabel('Send us your receipt');
    await again.setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: samplePng(2) });
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await dialog.getByText('Thanks, your receipt is in.').waitFor();
    expect(await userAnswers(page)).toEqual(['receipt.png']);
    const ids = await Promise.all(uploads.requests.map(async (r) => (await r.allHeaders())['x-parley-message-id']));
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('refuses a file larger than the step takes in the browser, before any upload', async () => {
    const { page, uploads } = await open('receipts');
    const dialog = page.getByRole('dialog', { name: 'Shop chat' });
    const input = dialog.getByLabel('Send us your receipt');
    const large = Buffer.concat([samplePng(3), Buffer.alloc(1024 * 1024)]);
    await input.setInputFiles({ name: 'large.png', mimeType: 'image/png', buffer: large });
    // Told as soon as it is picked, and again on sending.
    await expect.poll(() => inputError(page, 'Send us your receipt')).toBe('This file is larger than 1 MB. Please choose a smaller one.');
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    expect(await inputError(page, 'Send us your receipt')).toBe('This file is larger than 1 MB. Please choose a smaller one.');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    expect(await input.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el)).toBe(true);
    // Sending nothing at all is refused the same way.
    await input.setInputFiles([]);
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    expect(await inputError(page, 'Send us your receipt')).toBe('Please choose a file.');
    await page.waitForTimeout(300);
    expect(uploads.requests).toEqual([]);
    expect(await userAnswers(page)).toEqual([]);
  });

  it('counts a file once when its answer was lost and the visitor sends it again', async () => {
    const { page, uploads } = await open('receipts');
    const dialog = page.getByRole('dialog', { name: 'Shop chat' });
    const input = dialog.getByLabel('Send us your receipt');
    const before = (await fileRows(await flowId('receipts'))).length;
    // The first upload reaches the server, which takes it; its answer never reaches the page.
    let lost = false;
    await page.route('**/files', async (route) => {
      if (lost) return route.fallback();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await input.setInputFiles({ name: 'twice.png', mimeType: 'image/png', buffer: samplePng(4) });
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => inputError(page, 'Send us your receipt')).toBe('The file could not be sent. Please check your connection and try again.');
    expect(await userAnswers(page)).toEqual([]);
    expect((await recorded(page)).filter((e) => e.type === 'parley:error').map((e) => e.detail.code)).toEqual(['upload_failed']);
    expect(await fileRows(await flowId('receipts'))).toHaveLength(before + 1);

    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await dialog.getByText('Thanks, your receipt is in.').waitFor();
    expect(await userAnswers(page)).toEqual(['twice.png']);
    const ids = await Promise.all(uploads.requests.map(async (r) => (await r.allHeaders())['x-parley-message-id']));
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(await fileRows(await flowId('receipts'))).toHaveLength(before + 1);
  });

  it('skips an optional file step with its skip button, over the socket', async () => {
    const { page, uploads } = await open('optional');
    const dialog = page.getByRole('dialog', { name: 'Shop chat' });
    await dialog.getByLabel('A photo of your purchase, if you like').waitFor();
    expect(await dialog.getByLabel('A photo of your purchase, if you like').getAttribute('accept')).toBe('image/png');
    await dialog.getByRole('button', { name: 'No photo' }).click();
    await dialog.getByText('On we go.').waitFor();
    expect(await userAnswers(page)).toEqual(['No photo']);
    expect(uploads.requests).toEqual([]);
    expect((await recorded(page)).filter((e) => e.type === 'parley:answer').map((e) => [e.detail.stepId, e.detail.module])).toEqual([['photo', 'file-upload']]);
    expect(await fileRows(await flowId('optional'))).toEqual([]);
  });
});
