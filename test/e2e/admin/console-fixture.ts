import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { launchChromium } from '../../support/chromium.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { startTestServer } from '../../support/test-server.js';
import { extractWith7z } from '../../support/seven-zip.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { ConsolePage } from './console-page.js';
import { samplePng } from '../../support/sample-files.js';
import { participation, writeAt } from './seed-rows.js';

/*
 * The admin console tests' shared world: a real server on a seeded workspace and one Chromium.
 * A test file calls `useConsoleFixture()` once at its top level; the bindings below are live.
 */

export const NOW = new Date('2025-06-02T08:00:00.000Z');
export const DAY = 86_400_000;
export const ZONE = 'Europe/Paris';
/** The file a participant sent, kept in the Files table. */
export const SAMPLE_FILE = samplePng(8);

export let storage: TestStorage;
export let server: RunningServer;
let browser: Browser;
export let workspace: Workspace;
export let key: string;
let open: ConsolePage | undefined;

export async function openConsole(viewport?: { width: number; height: number }): Promise<ConsolePage> {
  open = await ConsolePage.open(browser, server.url, viewport);
  return open;
}

export async function signedIn(viewport?: { width: number; height: number }): Promise<ConsolePage> {
  const console = await openConsole(viewport);
  await console.signIn(key);
  return console;
}

export async function fetchCsv(url: string, password: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const zip = Buffer.from(await response.arrayBuffer());
  const opened = await extractWith7z(zip, 'participations.csv', password);
  return { zip, opened, rows: opened.text ? (parse(opened.text, { columns: true }) as Array<Record<string, string>>) : [] };
}

/** Forgets the console a test closed itself, so the after-each check does not close it again. */
export function forgetOpen(): void {
  open = undefined;
}

/** Registers the hooks that build the seeded world before the file's tests and tear it down after. */
export function useConsoleFixture(): void {
  beforeAll(async () => {
    storage = await createTestStorage({ start: NOW });
    server = await startTestServer(storage);
    browser = await launchChromium();
    workspace = await createWorkspace(storage, { name: 'Spring shop', timeZone: ZONE, retention: { modules: { 'instant-win': { instant_win_claims: 20 } } } });
    key = (await issueApiKey(storage.db, workspace.id)).key;
    // Two participations 20 days old, then three from the last hour (newest first in the console).
    await participation(storage, workspace.id, NOW, 20 * 24 * 60, 'old.one@example.org', 1);
    await participation(storage, workspace.id, NOW, 20 * 24 * 60 - 1, 'old.two@example.org', 2);
    await participation(storage, workspace.id, NOW, 30, 'ada@example.org', 3);
    await participation(storage, workspace.id, NOW, 20, 'bob@example.org', 4);
    await participation(storage, workspace.id, NOW, 10, 'cy@example.org', 5);
    for (let i = 0; i < 12; i += 1) {
      await writeAt(storage, workspace.id, new Date(NOW.getTime() - (100 - i) * 60_000), { table: 'winners', moduleId: 'giveaway', data: { rank: i + 1 } });
    }
    for (let i = 0; i < 3; i += 1) {
      await writeAt(storage, workspace.id, new Date(NOW.getTime() - (50 - i) * 60_000), { table: 'consents', moduleId: 'consent', data: { accepted: true }, personal: { email: `c${i}@example.org` } });
    }
    await writeAt(storage, workspace.id, new Date(NOW.getTime() - 5 * 60_000), {
      table: 'variables',
      moduleId: 'text-question',
      data: { answer: '<img src=x onerror="window.__pwned=1"><b>bold</b>' },
    });
    await writeAt(storage, workspace.id, new Date(NOW.getTime() - 4 * 60_000), {
      table: 'files',
      moduleId: 'file-upload',
      data: { variable: 'receipt', type: 'image/png', bytes: SAMPLE_FILE.length },
      personal: { name: 'ticket "7".png' },
      subject: 'dee@example.org',
      attachment: SAMPLE_FILE,
    });
    storage.clock.set(NOW);
  });

  afterEach(async () => {
    const problems = open?.problems ?? [];
    await open?.close();
    open = undefined;
    expect(problems).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await storage?.destroy();
  });
}
