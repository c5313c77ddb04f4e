import type { Locator, Page } from 'playwright-core';
import type { ConsolePage } from './console-page.js';

/* The flow builder as an owner drives it, by accessible names: shared by the builder's tests. */

/** Step `position` of the flow being built, as the step list names it ("Step 2: Quiz"). */
export function step(page: Page, position: number, title: string): Locator {
  return page.getByRole('list', { name: 'Steps' }).getByRole('listitem', { name: `Step ${position}: ${title}`, exact: true });
}

/** Adds a step of the module titled `title` at the end, through the Add step dialog. */
export async function addStep(page: Page, title: string): Promise<void> {
  await page.getByRole('button', { name: 'Add step' }).click();
  await page.getByRole('dialog', { name: 'Add a step' }).getByRole('button', { name: title, exact: true }).click();
}

/** Opens the builder of a new flow named `name`. */
export async function newFlow(console: ConsolePage, name: string): Promise<Page> {
  const { page } = console;
  await console.section('Flows').click();
  await page.getByRole('button', { name: 'New flow' }).click();
  await page.getByLabel('Flow name').fill(name);
  return page;
}
