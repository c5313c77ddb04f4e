import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat } from '../../support/chat-client.js';
import type { RunningServer } from '../../../runtime/server.js';
import type { ReplyAck, Turn } from '../../../core/chat-protocol.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';

const ORIGIN = 'https://shop.example';
let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;
let key: string;

const compare = (variable: string, comparison: string, value?: string) => ({ variable, comparison, ...(value !== undefined && { value }) });

/** A campaign that greets by where the visitor came from, lets only those who answer right go on, and keeps staff out. */
const CAMPAIGN = {
  name: 'Spring campaign',
  steps: [
    {
      id: 'source', module: 'condition', next: 'others',
      config: { rules: [{ when: [compare('utm_source', 'equals', 'facebook')], next: 'facebook' }, { when: [compare('utm_source', 'is_not_set')], next: 'direct' }] },
    },
    { id: 'facebook', module: 'message', config: { text: 'Welcome, Facebook friend' }, next: 'quiz' },
    { id: 'direct', module: 'message', config: { text: 'Welcome!' }, next: 'quiz' },
    { id: 'others', module: 'message', config: { text: 'Welcome, {{utm_source}} reader' }, next: 'quiz' },
    {
      id: 'quiz', module: 'quiz', next: 'passed',
      config: { variable: 'score', feedback: false, questions: [{ id: 'q1', text: 'Which season starts in March?', options: [{ id: 'spring', label: 'Spring', correct: true }, { id: 'autumn', label: 'Autumn' }] }] },
    },
    { id: 'passed', module: 'condition', next: 'sorry', config: { rules: [{ when: [compare('score', 'greater_than', '0')], next: 'email' }] } },
    { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'staff-check' },
    { id: 'staff-check', module: 'condition', next: 'thanks', config: { rules: [{ when: [compare('email', 'ends_with', '@shop.example'), compare('email', 'ends_with', '@agency.example')], match: 'any', next: 'staff' }] } },
    { id: 'staff', module: 'message', config: { text: 'Staff cannot take part, sorry.' } },
    { id: 'thanks', module: 'message', config: { text: 'You are in the draw.' } },
    { id: 'sorry', module: 'message', config: { text: 'Better luck next time.' } },
  ],
};

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  workspace = await createWorkspace(storage, { name: 'Campaigns', allowedOrigins: [ORIGIN] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  const saved = await api(server.url, key, 'PUT', '/api/v1/flows/spring', CAMPAIGN);
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

const texts = (turn: Turn) => turn.messages.map((m) => (m.kind === 'text' ? m.text : m.kind));
const turnOf = (ack: ReplyAck) => {
  if (!ack.ok) throw new Error(`reply refused: ${ack.error.code}`);
  return ack.turn;
};
const visit = (variables?: Record<string, string>) => connectChat(server.url, { workspace: workspace.id, flow: 'spring', ...(variables && { variables }) }, { origin: ORIGIN });

describe('condition step in a chat', () => {
  it('greets each visitor by where the host page says they came from, in the same turn', async () => {
    const greetings = [];
    for (const variables of [{ utm_source: 'Facebook' }, undefined, { utm_source: 'newsletter' }]) {
      const chat = await visit(variables);
      greetings.push(texts(chat.firstTurn));
      expect(chat.firstTurn).toMatchObject({ stepId: 'quiz', module: 'quiz' });
      chat.close();
    }
    expect(greetings.map((t) => t[0])).toEqual(['Welcome, Facebook friend', 'Welcome!', 'Welcome, newsletter reader']);
  });

  it('branches on a quiz score and on the captured email, and goes on where no rule holds', async () => {
    const staff = await visit({ utm_source: 'facebook' });
    expect(turnOf(await staff.reply('spring')).input).toMatchObject({ kind: 'email' });
    const refused = turnOf(await staff.reply('Ann@Agency.example'));
    expect(texts(refused)).toEqual(['Staff cannot take part, sorry.']);
    expect(refused.done).toBe(true);
    staff.close();

    const customer = await visit();
    turnOf(await customer.reply('spring'));
    const entered = turnOf(await customer.reply('bob@example.org'));
    expect(texts(entered)).toEqual(['You are in the draw.']);
    customer.close();

    const wrong = await visit();
    const ended = turnOf(await wrong.reply('autumn'));
    expect(texts(ended).at(-1)).toBe('Better luck next time.');
    expect(ended.done).toBe(true);
    wrong.close();
  });

  it('routes by what the handshake shows of the visitor: a phone, the browser’s language, the page', async () => {
    const saved = await api(server.url, key, 'PUT', '/api/v1/flows/hello', {
      name: 'Hello',
      steps: [
        {
          id: 'route', module: 'condition', next: 'hello',
          config: {
            rules: [
              { when: [{ fact: 'device', comparison: 'equals', value: 'mobile' }], next: 'short' },
              { when: [{ fact: 'language', comparison: 'starts_with', value: 'fr' }, { fact: 'page', comparison: 'contains', value: '/fr/' }], match: 'any', next: 'bonjour' },
            ],
          },
        },
        { id: 'short', module: 'message', config: { text: 'Hi! (short version)' } },
        { id: 'bonjour', module: 'message', config: { text: 'Bonjour !' } },
        { id: 'hello', module: 'message', config: { text: 'Hello!' } },
      ],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
    const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
    const greet = async (userAgent: string, device: Record<string, unknown>) => {
      const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'hello', device }, { origin: ORIGIN, headers: { 'user-agent': userAgent } });
      chat.close();
      return texts(chat.firstTurn)[0];
    };
    expect(await greet(IPHONE, { language: 'fr-FR' })).toBe('Hi! (short version)');
    expect(await greet(DESKTOP, { language: 'fr-CA' })).toBe('Bonjour !');
    expect(await greet(DESKTOP, { language: 'en-GB', url: 'https://shop.example/fr/soldes?utm_source=x' })).toBe('Bonjour !');
    expect(await greet(DESKTOP, { language: 'en-GB', url: 'https://shop.example/en/sale' })).toBe('Hello!');
  });

  it('refuses a flow whose steps would go round without waiting, and keeps the saved one', async () => {
    const steps = CAMPAIGN.steps.map((step) => (step.id === 'others' ? { ...step, next: 'source' } : step));
    const refused = await api(server.url, key, 'PUT', '/api/v1/flows/spring', { ...CAMPAIGN, steps });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'config_invalid', path: '/steps/3/next' });
    expect(refused.body.error.message).toMatch(/^Steps 1 \(Condition\) → 4 \(Message\) → 1 \(Condition\) go on to one another without waiting/);

    const missing = CAMPAIGN.steps.map((step) => (step.id === 'passed' ? { ...step, config: { rules: [{ when: [compare('score', 'greater_than', 'zero')], next: 'email' }] } } : step));
    const unordered = await api(server.url, key, 'PUT', '/api/v1/flows/spring', { ...CAMPAIGN, steps: missing });
    expect(unordered.status).toBe(400);
    expect(unordered.body.error).toMatchObject({ code: 'config_invalid', path: '/steps/5/config/rules/0/when/0/value' });

    const chat = await visit({ utm_source: 'newsletter' });
    expect(texts(chat.firstTurn)[0]).toBe('Welcome, newsletter reader');
    chat.close();
  });
});
