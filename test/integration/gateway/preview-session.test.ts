import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat, type ChatClient } from '../../support/chat-client.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { countStoreRows } from '../../../storage/store-reader.js';
import type { Turn } from '../../../core/chat-protocol.js';

let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;
let key: string;

const raffle = {
  name: 'Raffle',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'draw' },
    { id: 'draw', module: 'giveaway', config: { frequency: 'once' } },
  ],
};

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  workspace = await createWorkspace(storage, { name: 'Previewed' });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  expect((await api(server.url, key, 'PUT', '/api/v1/flows/raffle', raffle)).status).toBe(201);
  expect((await api(server.url, key, 'PUT', '/api/v1/flows/other', { name: 'Other', steps: [{ id: 'hi', module: 'message', config: { text: 'Hi' } }] })).status).toBe(201);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

const token = async (flow: string): Promise<string> => (await api(server.url, key, 'POST', `/api/v1/flows/${flow}/preview`)).body.token;
const texts = (turn: Turn) => turn.messages.map((m) => (m.kind === 'text' ? m.text : m.kind === 'link' ? m.label : m.kind));

/** Enters the raffle with `email`; returns what the giveaway said. */
async function enter(auth: Record<string, unknown>, email: string): Promise<{ client: ChatClient; said: string[] }> {
  const client = await connectChat(server.url, { workspace: workspace.id, flow: 'raffle', ...auth });
  const ack = await client.reply(email);
  client.close();
  if (!ack.ok) throw new Error(ack.error.code);
  return { client, said: texts(ack.turn) };
}

async function refusal(auth: Record<string, unknown>): Promise<unknown> {
  return connectChat(server.url, { workspace: workspace.id, flow: 'raffle', ...auth }).then(
    (client) => {
      client.close();
      return 'accepted';
    },
    (error: { data?: unknown }) => error.data,
  );
}

describe('console preview sessions', () => {
  it('marks a session started with a preview token, and its rows, and counts them in no export, draw, console table or frequency', async () => {
    const preview = await enter({ preview: await token('raffle') }, 'same@example.org');
    expect(preview.said).toEqual(["You're in the draw"]);
    // A visitor with the same email is not "already entered": the preview used up no real entry.
    const visitor = await enter({}, 'same@example.org');
    expect(visitor.said).toEqual(["You're in the draw"]);
    // Within previews, "once" still holds, so the owner can try it.
    expect((await enter({ preview: await token('raffle') }, 'same@example.org')).said).toEqual(['You have already entered this draw; one entry per person is allowed']);

    const sessions = await sql<{ id: string; preview: boolean }>`select id, preview from chat_sessions where workspace_id = ${workspace.id}`.execute(storage.db);
    expect(Object.fromEntries(sessions.rows.map((s) => [s.id, s.preview]))).toMatchObject({ [preview.client.session.sessionId]: true, [visitor.client.session.sessionId]: false });
    const rows = await sql<{ preview: boolean; n: number }>`
      select preview, count(*)::int as n from store_participations where workspace_id = ${workspace.id} group by preview order by preview`.execute(storage.db);
    expect(rows.rows).toEqual([{ preview: false, n: 1 }, { preview: true, n: 1 }]);

    expect(await countStoreRows(storage, workspace.id)).toMatchObject({ participations: 1, variables: 1 });
    const listed = await api(server.url, key, 'GET', '/api/v1/tables/participations/rows');
    expect(listed.body.rows.map((r: { sessionId: string }) => r.sessionId)).toEqual([visitor.client.session.sessionId]);

    const fields = [{ field: 'form.email', column: 'EMAIL' }];
    const created = await api(server.url, key, 'POST', '/api/v1/exports', { name: 'Entries', source: { flow: 'raffle' }, fields, format: { type: 'csv' }, fileNamePattern: '{export}' });
    const exported = await api(server.url, key, 'POST', `/api/v1/exports/${created.body.id}/preview`, {});
    expect(exported.body.rows).toEqual([['same@example.org']]);

    const draw = await api(server.url, key, 'POST', '/api/v1/flows/raffle/draws', { count: 5 });
    expect(draw.status).toBe(201);
    expect(draw.body).toMatchObject({ participants: 1 });
    expect(draw.body.winners.map((w: { participantRef: string }) => w.participantRef)).toHaveLength(1);
  });

  it('refuses a handshake whose preview token is forged, for another flow or expired; a visitor cannot mark itself', async () => {
    const valid = await token('raffle');
    const [payload, signature] = valid.split('.') as [string, string];
    const forbidden = { code: 'forbidden', message: 'This preview has expired; open the preview again from the console' };
    expect(await refusal({ preview: `${payload}.${Buffer.alloc(32).toString('base64url')}` })).toEqual(forbidden);
    expect(await refusal({ preview: `${Buffer.from('{"f":"x","e":99999999999999}').toString('base64url')}.${signature}` })).toEqual(forbidden);
    expect(await refusal({ preview: await token('other') })).toEqual(forbidden);
    expect(await refusal({ preview: true })).toMatchObject({ code: 'validation_failed', path: '/auth/preview' });

    const start = storage.clock.now();
    storage.clock.advance(30 * 60_000 + 1);
    try {
      expect(await refusal({ preview: valid })).toEqual(forbidden);
    } finally {
      storage.clock.set(start);
    }
    expect(await refusal({ preview: valid })).toBe('accepted');
  });
});
