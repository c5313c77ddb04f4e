import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat } from '../../support/chat-client.js';
import type { RunningServer } from '../../../runtime/server.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';

const ORIGIN = 'https://shop.example';
let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;
let key: string;

/** Two welcomes compared: each leads to the same email question. */
const TEST = {
  name: 'Welcome test',
  steps: [
    { id: 'ab', module: 'split', config: { variable: 'welcome', variants: [{ id: 'short', label: 'Short welcome', next: 'short' }, { id: 'long', label: 'Long welcome', next: 'long' }] } },
    { id: 'short', module: 'message', config: { text: 'Hi!' }, next: 'email' },
    { id: 'long', module: 'message', config: { text: 'Welcome to our spring game, where every day counts.' }, next: 'email' },
    { id: 'email', module: 'email-capture', config: { question: 'Your email?' } },
  ],
};

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  workspace = await createWorkspace(storage, { name: 'Campaigns', allowedOrigins: [ORIGIN] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  const saved = await api(server.url, key, 'PUT', '/api/v1/flows/welcome', TEST);
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

const visit = (variables?: Record<string, string>) => connectChat(server.url, { workspace: workspace.id, flow: 'welcome', ...(variables && { variables }) }, { origin: ORIGIN });
const greeting = { 'Hi!': 'short', 'Welcome to our spring game, where every day counts.': 'long' } as Record<string, string>;

describe('A/B split in a chat', () => {
  it('shows each visitor one variant for the whole session, both in use; statistics and exports compare them', async () => {
    const shown: string[] = [];
    const signedUp = { short: 0, long: 0 } as Record<string, number>;
    for (let i = 0; i < 30; i += 1) {
      const chat = await visit();
      const [text] = chat.firstTurn.messages.map((m) => (m.kind === 'text' ? m.text : ''));
      const variant = greeting[text!]!;
      shown.push(variant);
      expect(chat.firstTurn.input).toMatchObject({ kind: 'email' });
      // Every third visitor leaves without an answer.
      if (i % 3 !== 0) {
        const ack = await chat.reply(`visitor${i}@example.org`);
        expect(ack.ok && ack.turn.done).toBe(true);
        signedUp[variant]! += 1;
      }
      chat.close();
    }
    // 30 fair draws all alike: a chance of 2 in a billion.
    expect(new Set(shown)).toEqual(new Set(['short', 'long']));

    // The result: each variant's step, sessions shown it and those of them that completed.
    const stats = await api(server.url, key, 'GET', '/api/v1/flows/welcome/stats');
    const byStep = Object.fromEntries(stats.body.steps.map((s: { stepId: string; reached: number; completed: number }) => [s.stepId, [s.reached, s.completed]]));
    const count = (variant: string) => shown.filter((v) => v === variant).length;
    expect(byStep).toEqual({ ab: [30, 20], short: [count('short'), signedUp.short], long: [count('long'), signedUp.long], email: [30, 20] });

    const fields = await api(server.url, key, 'GET', '/api/v1/exports/fields?flow=welcome');
    const form = fields.body.groups.find((g: { group: string }) => g.group === 'form');
    expect(form.fields).toContainEqual(expect.objectContaining({ key: 'form.welcome', label: 'A/B variant', values: [{ value: 'short', label: 'Short welcome' }, { value: 'long', label: 'Long welcome' }] }));
    const created = await api(server.url, key, 'POST', '/api/v1/exports', {
      name: 'Short welcome sign-ups',
      source: { flow: 'welcome' },
      scope: 'entries',
      fields: [{ field: 'form.email', column: 'EMAIL' }, { field: 'form.welcome', column: 'VARIANT' }],
      conditions: [{ field: 'form.welcome', operator: 'equals', value: 'short' }],
      format: { type: 'csv', delimiter: ';' },
      fileNamePattern: '{export}',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // A preview shows 20 rows unless asked for more; about one draw in fifty shows more than 20 visitors the short welcome.
    const preview = await api(server.url, key, 'POST', `/api/v1/exports/${created.body.id}/preview`, { limit: 200 });
    // One entry per session that stored something: the variant's row is one, with or without an email.
    const expected = shown.flatMap((variant, i) => (variant === 'short' ? [[i % 3 !== 0 ? `visitor${i}@example.org` : '', 'short']] : []));
    expect(preview.body.rows).toEqual(expected);
  });

  it('keeps a variant the host page passes, to try one', async () => {
    for (let i = 0; i < 5; i += 1) {
      const chat = await visit({ welcome: 'long' });
      expect(chat.firstTurn.messages[0]).toEqual({ kind: 'text', text: 'Welcome to our spring game, where every day counts.' });
      chat.close();
    }
  });
});
