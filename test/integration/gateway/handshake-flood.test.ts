import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { startTestServer } from '../../support/test-server.js';
import { connectChat, type ChatClient } from '../../support/chat-client.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { HANDSHAKE_LIMIT_ERROR } from '../../../runtime/gateway/handshake-limiter.js';
import { lockSession } from '../../../storage/session-repository.js';

// The storage clock stands still unless a test advances it, so no budget refills during a flood.
const LIMIT = 8;
const FLOOD = 40;

let storage: TestStorage;
let direct: RunningServer;
let proxied: RunningServer;
let workspace: Workspace;

const flow = {
  name: 'Flood',
  steps: [
    { id: 'hello', module: 'message', config: { text: 'Hello' }, next: 'email' },
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'bye' },
    { id: 'bye', module: 'message', config: { text: 'Thanks' } },
  ],
};

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2025-05-05T10:00:00Z') });
  direct = await startTestServer(storage, { PARLEY_HANDSHAKES_PER_IP_PER_MINUTE: String(LIMIT) });
  proxied = await startTestServer(storage, { PARLEY_HANDSHAKES_PER_IP_PER_MINUTE: '2', PARLEY_TRUST_PROXY_HOPS: '1' });
  workspace = await createWorkspace(storage, { name: 'Flood' });
  await saveTestFlow(storage, workspace, 'flood', flow);
});
afterAll(async () => {
  await direct.close();
  await proxied.close();
  await storage.destroy();
});

const auth = () => ({ workspace: workspace.id, flow: 'flood' });

async function sessionCount(): Promise<number> {
  const result = await sql<{ n: string }>`select count(*) as n from chat_sessions where workspace_id = ${workspace.id}`.execute(storage.db);
  return Number(result.rows[0]!.n);
}

/** Opens `count` handshakes at once; the clients that got a session and the refusals' data. */
async function flood(url: string, count: number, options: Parameters<typeof connectChat>[2] = {}): Promise<{ clients: ChatClient[]; refusals: unknown[] }> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => connectChat(url, auth(), options)));
  const clients = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const refusals = settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as { data?: unknown }).data] : []));
  return { clients, refusals };
}

/** A visitor that connects from `localAddress` and plays the flow to its end. */
async function wellBehavedVisitor(url: string, localAddress: string): Promise<string[]> {
  const chat = await connectChat(url, auth(), { localAddress });
  const ack = await chat.reply('calm@example.org');
  chat.close();
  if (!ack.ok) throw new Error(`reply refused: ${ack.error.code}`);
  return [...chat.firstTurn.messages, ...ack.turn.messages].map((m) => ('text' in m ? m.text : ''));
}

describe('handshake flood from one address', () => {
  it('gives sessions to the first LIMIT handshakes only, refuses the rest with a clear error, while another address completes its turns', async () => {
    const before = await sessionCount();
    const [result, visitor] = await Promise.all([flood(direct.url, FLOOD), wellBehavedVisitor(direct.url, '127.0.0.2')]);
    expect(result.clients).toHaveLength(LIMIT);
    expect(result.refusals).toHaveLength(FLOOD - LIMIT);
    for (const refusal of result.refusals) expect(refusal).toEqual(HANDSHAKE_LIMIT_ERROR);
    expect(HANDSHAKE_LIMIT_ERROR).toEqual({ code: 'rate_limited', message: expect.stringMatching(/try again/) });
    expect(visitor).toEqual(['Hello', 'Email?', 'Thanks']);
    // The flooder's admitted sockets and the visitor got sessions; the refused handshakes none.
    expect(await sessionCount()).toBe(before + LIMIT + 1);

    // The admitted sockets keep working: the per-socket reply limit is unchanged.
    const ack = await result.clients[0]!.reply('first@example.org');
    expect(ack.ok).toBe(true);
    for (const client of result.clients) client.close();

    // Still spent for the flooding address; the other address keeps its own budget.
    expect((await flood(direct.url, 1)).refusals).toEqual([HANDSHAKE_LIMIT_ERROR]);
    expect(await wellBehavedVisitor(direct.url, '127.0.0.3')).toEqual(['Hello', 'Email?', 'Thanks']);
  });

  it('refills the budget over the minute: after 30 s half of it is back', async () => {
    storage.clock.advance(30_000);
    const result = await flood(direct.url, LIMIT);
    expect(result.clients).toHaveLength(LIMIT / 2);
    expect(result.refusals).toEqual(Array(LIMIT / 2).fill(HANDSHAKE_LIMIT_ERROR));
    for (const client of result.clients) client.close();
  });

  it('ignores X-Forwarded-For unless proxies are trusted: a forged header does not escape the limit', async () => {
    const forged = await flood(direct.url, LIMIT + 4, { localAddress: '127.0.0.4', headers: { 'x-forwarded-for': '198.51.100.1' } });
    expect(forged.clients).toHaveLength(LIMIT);
    expect(forged.refusals).toHaveLength(4);
    for (const client of forged.clients) client.close();
  });

  it('behind one trusted proxy, counts the address the proxy wrote, not what the client prepended', async () => {
    // Every connection comes from the proxy (127.0.0.1); the last X-Forwarded-For entry is the client.
    const attacker = (spoof: number) => ({ headers: { 'x-forwarded-for': `10.9.9.${spoof}, 203.0.113.66` } });
    const attempts = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => connectChat(proxied.url, auth(), attacker(n))));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(2);
    const refused = attempts.flatMap((a) => (a.status === 'rejected' ? [(a.reason as { data?: unknown }).data] : []));
    expect(refused).toEqual(Array(3).fill(HANDSHAKE_LIMIT_ERROR));
    const other = await connectChat(proxied.url, auth(), { headers: { 'x-forwarded-for': '203.0.113.67' } });
    expect(other.firstTurn.messages).toEqual([{ kind: 'text', text: 'Hello' }, { kind: 'text', text: 'Email?' }]);
    // The session records the visitor's address, not the proxy's.
    expect((await lockSession(storage, other.session.sessionId))?.ip).toBe('203.0.113.67');
    // IPv6 clients are counted by /64: two addresses of one network share a budget.
    const v6 = await flood(proxied.url, 3, { headers: { 'x-forwarded-for': '2001:db8:5:6::1' } });
    expect(v6.clients).toHaveLength(2);
    expect((await flood(proxied.url, 1, { headers: { 'x-forwarded-for': '2001:db8:5:6:ffff::2' } })).refusals).toEqual([HANDSHAKE_LIMIT_ERROR]);
    for (const a of attempts) if (a.status === 'fulfilled') a.value.close();
    for (const client of [other, ...v6.clients]) client.close();
  });
});
