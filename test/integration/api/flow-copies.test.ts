import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat } from '../../support/chat-client.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import type { RunningServer } from '../../../runtime/server.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';

const ORIGIN = 'https://shop.example';
let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;
let key: string;
let contract: OpenApiContract;

const SPRING = {
  name: 'Spring game',
  opensAt: '2026-03-01T00:00:00.000Z',
  closesAt: '2099-03-31T00:00:00.000Z',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'win' },
    { id: 'win', module: 'instant-win', config: { prizes: [{ id: 'mug', title: 'A mug', stock: 25 }] } },
  ],
};

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  workspace = await createWorkspace(storage, { name: 'Campaigns', allowedOrigins: [ORIGIN] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  contract = await OpenApiContract.fetch(server.url);
  expect((await api(server.url, key, 'PUT', '/api/v1/flows/spring', SPRING)).status).toBe(201);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

const moments = async (slug: string) => Number((await sql<{ n: string }>`
  select count(*) as n from instant_win_moments m join flows f on f.id = m.flow_id where f.slug = ${slug} and f.workspace_id = ${workspace.id}`.execute(storage.db)).rows[0]!.n);

describe('POST /flows/{flow}/copies', () => {
  it('copies a flow under a new id: its steps and window, open, its own hash id and moments; the original is untouched', async () => {
    const copied = await api(server.url, key, 'POST', '/api/v1/flows/spring/copies', { slug: 'autumn' });
    expect(copied.status, JSON.stringify(copied.body)).toBe(201);
    expect(contract.check('copyFlow', 201, copied.body)).toEqual([]);
    const original = (await api(server.url, key, 'GET', '/api/v1/flows/spring')).body;
    expect(copied.body).toMatchObject({ id: 'autumn', name: 'Spring game (copy)', status: 'open', version: 1, opensAt: SPRING.opensAt, closesAt: SPRING.closesAt, start: 'email', steps: original.steps });
    expect(copied.body.hashId).not.toBe(original.hashId);
    expect(original).toMatchObject({ id: 'spring', name: 'Spring game', version: 1 });
    // Drawn anew for the copy: its own 25 moments, the original's 25 as they were.
    expect([await moments('spring'), await moments('autumn')]).toEqual([25, 25]);

    const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'autumn' }, { origin: ORIGIN });
    expect(chat.firstTurn).toMatchObject({ stepId: 'email' });
    chat.close();

    const named = await api(server.url, key, 'POST', '/api/v1/flows/spring/copies', { slug: 'summer', name: '  Summer game ' });
    expect(named.body).toMatchObject({ id: 'summer', name: 'Summer game' });
    const audit = await api(server.url, key, 'GET', '/api/v1/audit?action=flow.created');
    expect(audit.body.entries.map((e: { target: string }) => e.target)).toEqual(expect.arrayContaining(['autumn', 'summer']));
  });

  it('refuses an id already taken (409 at /slug, the flow there unchanged), an unknown flow (404) and a bad id (400)', async () => {
    const taken = await api(server.url, key, 'POST', '/api/v1/flows/autumn/copies', { slug: 'spring', name: 'Overwritten?' });
    expect([taken.status, taken.body.error.code, taken.body.error.path]).toEqual([409, 'conflict', '/slug']);
    expect(contract.check('copyFlow', 409, taken.body)).toEqual([]);
    expect((await api(server.url, key, 'GET', '/api/v1/flows/spring')).body).toMatchObject({ name: 'Spring game', version: 1 });
    expect((await api(server.url, key, 'POST', '/api/v1/flows/nowhere/copies', { slug: 'x' })).status).toBe(404);
    const bad = await api(server.url, key, 'POST', '/api/v1/flows/spring/copies', { slug: 'Not An Id' });
    expect([bad.status, bad.body.error.path]).toEqual([400, '/slug']);
  });

  it('two copies racing for one id: one is made, the other is refused (409) rather than saved over it', async () => {
    const names = Array.from({ length: 6 }, (_, n) => `Race ${n}`);
    const answers = await Promise.all(names.map((name) => api(server.url, key, 'POST', '/api/v1/flows/spring/copies', { slug: 'race', name })));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    const made = answers.find((answer) => answer.status === 201)!.body;
    expect((await api(server.url, key, 'GET', '/api/v1/flows/race')).body).toMatchObject({ name: made.name, version: 1 });
    expect((await api(server.url, key, 'GET', '/api/v1/flows/race/versions')).body.versions).toHaveLength(1);
  });
});
