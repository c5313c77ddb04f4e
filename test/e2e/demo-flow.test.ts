import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { startTestServer } from '../support/test-server.js';
import type { RunningServer } from '../../runtime/server.js';
import { seedDemo } from '../../runtime/seed-demo.js';
import { listStoreRows } from '../../storage/store-reader.js';

let storage: TestStorage;
let server: RunningServer;
let browser: Browser;
let workspaceId: string;

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  workspaceId = (await seedDemo(storage, server.flows))!.workspaceId;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await storage?.destroy();
});

describe('the demo page in real Chromium against the real server', () => {
  it('walks the Red path by accessible names, stores the rows with their expiry, and resumes after a reload', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/demo`);
    await page.getByRole('button', { name: 'Red pill' }).click();
    const rules = page.getByRole('link', { name: 'Read the rules' });
    await rules.waitFor();
    expect(await rules.getAttribute('href')).toBe('https://example.org/rules');
    await page.getByRole('button', { name: 'Continue' }).click();

    const email = page.getByRole('textbox', { name: 'Email' });
    await email.waitFor();
    // A reload mid-flow resumes the same session at the same step.
    await page.reload();
    await page.getByRole('textbox', { name: 'Email' }).fill('neo@example.org');
    await page.getByRole('button', { name: 'Send' }).click();

    await page.getByRole('checkbox', { name: 'I agree to receive news from the Demo brand' }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText("You're in the draw").waitFor();

    const now = storage.clock.now().getTime();
    for (const table of ['participations', 'consents', 'variables'] as const) {
      const rows = (await listStoreRows(storage, workspaceId, table)).rows;
      expect(rows, table).toHaveLength(1);
      expect(rows[0]!.expiresAt.getTime(), table).toBeGreaterThan(now);
    }
    const participation = (await listStoreRows(storage, workspaceId, 'participations')).rows[0]!;
    expect(participation.personal).toMatchObject({ email: 'neo@example.org' });
    expect(participation.expiresAt.getTime() - participation.createdAt.getTime()).toBe(60 * 86_400_000);
    expect((await listStoreRows(storage, workspaceId, 'consents')).rows[0]!.data).toMatchObject({ is_optin: 1 });
    const sessions = await storage.db.selectFrom('chat_sessions').select('id').where('workspace_id', '=', workspaceId).execute();
    expect(sessions).toHaveLength(1);
    await context.close();
  });
});
