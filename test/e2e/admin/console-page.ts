import { expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** What the download dialog showed: the one-time link, its password and the expiry text. */
export interface ShownDownload {
  readonly url: string;
  readonly password: string;
  readonly expiresAt: string;
}

/** The console's main sections, as their tabs are named. */
export type SectionName = 'Data' | 'Flows' | 'Exports' | 'Webhooks' | 'Codes' | 'Audit' | 'Data subjects' | 'Settings' | 'API keys';

/** The admin console in one Chromium page, driven through roles and names only. */
export class ConsolePage {
  /** Page errors and CSP refusals seen so far (both must stay empty). */
  readonly problems: string[] = [];

  private constructor(readonly context: BrowserContext, readonly page: Page, readonly base: string) {
    page.on('pageerror', (error) => this.problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) this.problems.push(`csp: ${message.text()}`);
    });
  }

  /** A fresh browser context (its own sessionStorage) on `/admin`. */
  static async open(browser: Browser, base: string, viewport = { width: 1280, height: 860 }): Promise<ConsolePage> {
    const context = await browser.newContext({ viewport });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await context.newPage();
    const console = new ConsolePage(context, page, base);
    await page.goto(`${base}/admin`);
    return console;
  }

  /** Signs in with `key` and waits for the console: its `first` section's tab (Data unless the key is limited), or its heading. */
  async signIn(key: string, first: SectionName | null = 'Data'): Promise<void> {
    await this.page.getByLabel('API key').fill(key);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await (first ? this.section(first) : this.page.getByRole('heading', { name: 'Parley console' })).waitFor();
  }

  /** The names of the main section tabs shown, in order. */
  sectionNames(): Promise<string[]> {
    return this.page.getByRole('tablist', { name: 'Console sections' }).getByRole('tab').allTextContents();
  }

  /** Opens the Data subjects page and looks `email` up with its search form, which it returns. */
  async lookUpSubject(email: string): Promise<Locator> {
    await this.section('Data subjects').click();
    const search = this.page.getByRole('search', { name: 'Find a data subject' });
    await search.getByRole('textbox', { name: 'Email address' }).fill(email);
    await search.getByRole('button', { name: 'Find' }).click();
    return search;
  }

  /** A main section tab of the console. */
  section(name: SectionName): Locator {
    return this.page.getByRole('tablist', { name: 'Console sections' }).getByRole('tab', { name, exact: true });
  }

  /** A table's tab, whatever its count. */
  tableTab(label: string): Locator {
    return this.page.getByRole('tablist', { name: 'Tables' }).getByRole('tab', { name: new RegExp(`^${label} \\d+ rows?$`) });
  }

  /** The count a table's tab shows. */
  async tabCount(label: string): Promise<number> {
    const name = (await this.tableTab(label).textContent()) ?? '';
    return Number(/(\d+)\s*rows?$/.exec(name)?.[1]);
  }

  /** Opens a table's tab and waits for its rows (or its empty message). */
  async openTable(label: string): Promise<Locator> {
    await this.tableTab(label).click();
    const region = this.rows(label);
    await region.locator('table, .empty').first().waitFor();
    return region;
  }

  /** The scroll container holding a table's rows. */
  rows(label: string): Locator {
    return this.page.getByRole('region', { name: `${label} rows` });
  }

  /** The body rows of a table view. */
  bodyRows(label: string): Locator {
    return this.rows(label).locator('tbody tr');
  }

  dialog(name: string | RegExp): Locator {
    return this.page.getByRole('dialog', { name });
  }

  /**
   * Download (the table's button, or `opener`) → read the terms → accept responsibility → create:
   * what the dialog shows (the dialog stays open).
   */
  async createDownload(label: string, opener: Locator = this.page.getByRole('button', { name: 'Download', exact: true })): Promise<ShownDownload> {
    await opener.click();
    const dialog = this.dialog(`Download ${label}`);
    const create = dialog.getByRole('button', { name: 'Create download link' });
    expect(await create.isDisabled()).toBe(true);
    expect(await dialog.getByRole('list', { name: 'Terms of the download' }).getByRole('listitem').allTextContents()).toEqual([
      'I will delete the file as soon as I no longer need it.',
      'I will not pass it on unencrypted, for example by email.',
      'I will keep the password secret.',
      'Once downloaded, the file leaves Parley and is my responsibility.',
    ]);
    await dialog.getByRole('checkbox', { name: 'I accept responsibility for this file' }).check();
    await create.click();
    const link = dialog.getByRole('link', { name: /^Download .*\.zip$/ });
    await link.waitFor();
    return {
      url: (await link.getAttribute('href'))!,
      password: await dialog.getByRole('textbox', { name: 'ZIP password' }).inputValue(),
      expiresAt: (await dialog.locator('time').getAttribute('datetime'))!,
    };
  }

  async closeDialog(name: string | RegExp): Promise<void> {
    await this.dialog(name).getByRole('button', { name: 'Close', exact: true }).click();
    await this.dialog(name).waitFor({ state: 'detached' });
  }

  /** The visible text of the status line (results such as "Row deleted."). */
  announcement(): Locator {
    return this.page.getByRole('status').filter({ hasText: /\S/ }).first();
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
