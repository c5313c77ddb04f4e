import { describe, expect, it } from 'vitest';
import { api } from '../../support/test-server.js';
import { key, server, signedIn, useConsoleFixture } from './console-fixture.js';
import { addStep, newFlow, step } from './flow-steps.js';

useConsoleFixture();

/* The generated forms of steps with lists, choices from a fixed set and named branches, built in real Chromium by accessible names. */
describe('step forms in the flow builder (real Chromium, accessible names only)', () => {
  it('builds a share step by ticking its networks, and asks for one when none is ticked', async () => {
    const console = await signedIn();
    const page = await newFlow(console, 'Sharing');
    await addStep(page, 'Share');
    const share = step(page, 1, 'Share');
    await share.getByLabel('Page to share').fill('https://brand.example/summer');
    const networks = share.getByRole('group', { name: 'Networks' });
    expect(await networks.getByRole('checkbox').count()).toBe(4);
    await page.getByRole('button', { name: 'Save flow' }).click();
    await networks.getByRole('alert').waitFor();
    expect(await networks.getByRole('alert').textContent()).toBe('Missing required field');
    expect((await api(server.url, key, 'GET', '/api/v1/flows/sharing')).status).toBe(404);

    // Ticked out of order, saved in the list's order.
    await networks.getByRole('checkbox', { name: 'X', exact: true }).check();
    await networks.getByRole('checkbox', { name: 'Facebook' }).check();
    await share.getByLabel('Skip button (optional)').fill('No thanks');
    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByRole('status').getByText('Flow Sharing saved (version 1).').waitFor();
    const saved = (await api(server.url, key, 'GET', '/api/v1/flows/sharing')).body;
    expect(saved.steps[0]).toMatchObject({ module: 'share', config: { url: 'https://brand.example/summer', networks: ['facebook', 'x'], skipLabel: 'No thanks' } });
  });

  it('builds a file-upload step by ticking file types by name, with its size limit', async () => {
    const console = await signedIn();
    const page = await newFlow(console, 'Receipts');
    await addStep(page, 'File upload');
    const upload = step(page, 1, 'File upload');
    await upload.getByLabel('Question', { exact: true }).fill('Your receipt?');
    await upload.getByLabel('Variable', { exact: true }).fill('receipt');
    const types = upload.getByRole('group', { name: 'File types' });
    expect((await types.locator('label').allTextContents()).map((text) => text.trim())).toEqual(['JPEG', 'PNG', 'GIF', 'WebP', 'HEIC', 'PDF']);
    await types.getByRole('checkbox', { name: 'PDF' }).check();
    await types.getByRole('checkbox', { name: 'PNG' }).check();
    await upload.getByLabel('Largest file (MB) (optional)').fill('11');
    await page.getByRole('button', { name: 'Save flow' }).click();
    await upload.getByText('Must be <= 10').waitFor();
    await upload.getByLabel('Largest file (MB) (optional)').fill('2');
    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByRole('status').getByText('Flow Receipts saved (version 1).').waitFor();
    const saved = (await api(server.url, key, 'GET', '/api/v1/flows/receipts')).body;
    expect(saved.steps[0]).toMatchObject({ module: 'file-upload', config: { question: 'Your receipt?', variable: 'receipt', accept: ['image/png', 'application/pdf'], maxSizeMb: 2 } });
  });

  it('builds a loyalty card whose full card leads to its own step, and says how long stamps are kept', async () => {
    const console = await signedIn();
    const page = await newFlow(console, 'Coffee card');
    await addStep(page, 'Email capture');
    await step(page, 1, 'Email capture').getByLabel('Question', { exact: true }).fill('Your email?');
    await addStep(page, 'Loyalty card (stamps)');
    await addStep(page, 'Message');
    await step(page, 3, 'Message').getByLabel('Text', { exact: true }).fill('Show this at the till');
    const card = step(page, 2, 'Loyalty card (stamps)');
    await card.getByText('Stamps collected are kept 365 days in Loyalty.').waitFor();
    await card.getByText('Full cards and their reward are kept 60 days in Winners.').waitFor();
    await card.getByLabel('Stamps per card (optional)').fill('5');
    await card.getByLabel('Stamps per person (optional)').selectOption('weekly');
    const branch = card.getByLabel('When the card is full, go to step (optional)');
    await branch.focus(); // the steps are listed as the picker takes focus
    const voucher = (await branch.locator('option').allTextContents()).find((text) => text.startsWith('Message'));
    expect(voucher).toBeDefined();
    await branch.selectOption({ label: voucher! });
    await card.getByLabel('Prize id').fill('coffee');
    await card.getByLabel('Prize title').fill('A free coffee');
    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByRole('status').getByText('Flow Coffee card saved (version 1).').waitFor();
    const saved = (await api(server.url, key, 'GET', '/api/v1/flows/coffee-card')).body;
    expect(saved.steps[1]).toMatchObject({ module: 'loyalty', config: { goal: 5, frequency: 'weekly', completedNext: saved.steps[2].id, prize: { id: 'coffee', title: 'A free coffee' } } });
  });

  it('builds a quiz with its answers (one removed, the next moving up), the right one ticked and a step for those below the pass mark; a question without a right answer is refused at it', async () => {
    const console = await signedIn();
    const page = await newFlow(console, 'Coffee quiz');
    await addStep(page, 'Quiz');
    await addStep(page, 'Message');
    await step(page, 2, 'Message').getByLabel('Text', { exact: true }).fill('Better luck next time');
    const quiz = step(page, 1, 'Quiz');
    await quiz.getByText('Quiz scores and answers are kept 60 days in Variables.').waitFor();
    await quiz.getByLabel('question 1 Question id', { exact: true }).fill('year');
    await quiz.getByLabel('question 1 Question', { exact: true }).fill('When did we open?');
    await quiz.getByLabel('question 1 answer 1 Answer id', { exact: true }).fill('y1990');
    await quiz.getByLabel('question 1 answer 1 Button label', { exact: true }).fill('1990');
    await quiz.getByRole('button', { name: 'Add answer' }).click();
    await quiz.getByLabel('question 1 answer 2 Answer id', { exact: true }).fill('y2000');
    await quiz.getByLabel('question 1 answer 2 Button label', { exact: true }).fill('2000');
    await quiz.getByRole('button', { name: 'Add answer' }).click();
    await quiz.getByLabel('question 1 answer 3 Answer id', { exact: true }).fill('y2010');
    await quiz.getByLabel('question 1 answer 3 Button label', { exact: true }).fill('2010');
    // Removing the second answer moves the third up: its fields and button are named for its new place, and keep what it holds.
    await quiz.getByRole('button', { name: 'Remove answer 2', exact: true }).click();
    expect(await quiz.getByLabel('question 1 answer 2 Button label', { exact: true }).inputValue()).toBe('2010');
    expect(await quiz.getByLabel(/answer 3/).count()).toBe(0);
    expect(await quiz.getByRole('button', { name: 'Remove answer 2', exact: true }).evaluate((button) => button === (button.getRootNode() as Document | ShadowRoot).activeElement)).toBe(true);
    const failed = quiz.getByLabel('When not passed, go to step (optional)');
    await failed.focus(); // the steps are listed as the picker takes focus
    const sorry = (await failed.locator('option').allTextContents()).find((text) => text.startsWith('Message'));
    expect(sorry).toBeDefined();
    await failed.selectOption({ label: sorry! });
    // No right answer ticked yet: refused, at the question's answers, and nothing saved.
    await page.getByRole('button', { name: 'Save flow' }).click();
    const answers = quiz.getByRole('group', { name: 'question 1 Answers', exact: true });
    await answers.getByRole('alert').waitFor();
    expect(await answers.getByRole('alert').textContent()).toBe('Mark at least one answer of this question as right');
    expect((await api(server.url, key, 'GET', '/api/v1/flows/coffee-quiz')).status).toBe(404);
    await quiz.getByLabel('question 1 answer 1 Right answer (optional)', { exact: true }).check();
    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByRole('status').getByText('Flow Coffee quiz saved (version 1).').waitFor();
    expect(await answers.getByRole('alert').count()).toBe(0);
    const saved = (await api(server.url, key, 'GET', '/api/v1/flows/coffee-quiz')).body;
    expect(saved.steps[0]).toMatchObject({
      module: 'quiz',
      config: {
        questions: [{ id: 'year', text: 'When did we open?', options: [{ id: 'y1990', label: '1990', correct: true }, { id: 'y2010', label: '2010' }] }],
        failedNext: saved.steps[1].id,
      },
    });
    expect(saved.steps[0].config.questions[0].options[1].correct).not.toBe(true);
  });

  it('builds a condition whose rules lead to steps, its comparisons named in words; an order against a word is refused at the value', async () => {
    const console = await signedIn();
    const page = await newFlow(console, 'Greetings');
    await addStep(page, 'Condition');
    await addStep(page, 'Message');
    await step(page, 2, 'Message').getByLabel('Text', { exact: true }).fill('Hello, regular');
    await addStep(page, 'Message');
    await step(page, 3, 'Message').getByLabel('Text', { exact: true }).fill('Welcome, Facebook friend');
    const condition = step(page, 1, 'Condition');
    await condition.getByText('Stores nothing.', { exact: true }).waitFor();
    await condition.getByLabel('rule 1 test 1 Variable (optional)', { exact: true }).fill('utm_source');
    expect(await condition.getByLabel('rule 1 test 1 Visitor fact (optional)', { exact: true }).locator('option').count()).toBe(7);
    const comparison = condition.getByLabel('rule 1 test 1 Comparison', { exact: true });
    expect(await comparison.locator('option').allTextContents()).toEqual([
      'is', 'is not', 'contains', 'does not contain', 'starts with', 'ends with',
      'is greater than (a number, or a later date)', 'is less than (a number, or an earlier date)', 'is set', 'is not set',
    ]);
    await comparison.selectOption({ label: 'is greater than (a number, or a later date)' });
    await condition.getByLabel('rule 1 test 1 Value (optional)', { exact: true }).fill('facebook');
    const target = condition.getByLabel('rule 1 Go to step (optional)', { exact: true });
    await target.focus(); // the steps are listed as the picker takes focus
    const facebook = (await target.locator('option').allTextContents()).filter((text) => text.startsWith('Message'));
    expect(facebook).toHaveLength(2);
    await target.selectOption({ label: facebook[1]! });
    await page.getByRole('button', { name: 'Save flow' }).click();
    await condition.getByText('Greater and less than compare numbers or dates: write a number (18) or a date (2026-05-01)').waitFor();
    expect((await api(server.url, key, 'GET', '/api/v1/flows/greetings')).status).toBe(404);

    await comparison.selectOption({ label: 'is' });
    await page.getByRole('button', { name: 'Save flow' }).click();
    await page.getByRole('status').getByText('Flow Greetings saved (version 1).').waitFor();
    const saved = (await api(server.url, key, 'GET', '/api/v1/flows/greetings')).body;
    expect(saved.steps[0]).toMatchObject({ module: 'condition', config: { rules: [{ when: [{ variable: 'utm_source', comparison: 'equals', value: 'facebook' }], next: saved.steps[2].id }] } });
  });
});
