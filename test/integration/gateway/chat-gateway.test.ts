import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { startTestServer } from '../../support/test-server.js';
import { connectChat, openChatSocket } from '../../support/chat-client.js';
import type { ReplyAck, Turn } from '../../../core/chat-protocol.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import type { RunningServer } from '../../../runtime/server.js';
import type { Logger } from '../../../core/logger.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';

let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;

const flow = {
  name: 'Gateway',
  steps: [
    { id: 'hello', module: 'message', config: { text: 'Hello World' }, next: 'email' },
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'bye' },
    { id: 'bye', module: 'message', config: { text: 'Thanks' } },
  ],
};

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  workspace = await createWorkspace(storage, { name: 'Gateway', allowedOrigins: ['https://shop.example'] });
  await saveTestFlow(storage, workspace, 'gateway', flow);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

describe('chat gateway', () => {
  it('runs a session for an allowed origin and answers a reply', async () => {
    const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'gateway' }, { origin: 'https://shop.example' });
    expect(chat.firstTurn.messages).toEqual([{ kind: 'text', text: 'Hello World' }, { kind: 'text', text: 'Email?' }]);
    const ack = await chat.reply('a@example.org');
    expect(ack.ok && ack.turn.messages).toEqual([{ kind: 'text', text: 'Thanks' }]);
    chat.close();
  });

  it('answers a reply sent as soon as the connection is accepted, after the start turn (the widget re-sends its unanswered replies then)', async () => {
    const socket = openChatSocket(server.url, { workspace: workspace.id, flow: 'gateway' }, { origin: 'https://shop.example' });
    try {
      const heard: string[] = [];
      socket.on('turn', (turn: Turn) => heard.push(`turn ${turn.stepId}`));
      const ack = await new Promise<ReplyAck>((resolve) => socket.on('connect', () => socket.emit('reply', { clientMessageId: 'early-1', value: 'a@example.org' }, resolve)));
      heard.push('ack');
      expect(ack.ok && ack.turn.messages).toEqual([{ kind: 'text', text: 'Thanks' }]);
      expect(heard).toEqual(['turn email', 'ack']);
    } finally {
      socket.close();
    }
  });

  it('a reply waiting for a start that fails: the failure is logged once, as the start\'s (it was logged again as the reply\'s)', async () => {
    const errors: string[] = [];
    const recording: Logger = { debug() {}, info() {}, warn() {}, error: (_record, message) => errors.push(String(message)) };
    const own = await startTestServer(storage, {}, recording);
    let failStart!: (error: Error) => void;
    vi.spyOn(own.engine, 'start').mockImplementationOnce(() => new Promise((_resolve, reject) => (failStart = reject)));
    // The start fails once the reply has reached the server (any-listeners run before the reply's own).
    own.io.of('/chat').on('connection', (socket) => socket.onAny((event) => event === 'reply' && failStart(new Error('the database said no'))));
    const socket = openChatSocket(own.url, { workspace: workspace.id, flow: 'gateway' }, { origin: 'https://shop.example' });
    try {
      const refused = new Promise<unknown>((resolve) => socket.on('chat_error', resolve));
      const closed = new Promise<void>((resolve) => socket.on('disconnect', () => resolve()));
      socket.on('connect', () => socket.emit('reply', { clientMessageId: 'early-1', value: 'a@example.org' }));
      expect(await refused).toMatchObject({ code: 'internal' });
      await closed;
      expect(errors).toEqual(['session start failed']);
    } finally {
      socket.close();
      await own.close();
    }
  });

  it('refuses a forged Origin at handshake', async () => {
    const refusal = await connectChat(server.url, { workspace: workspace.id, flow: 'gateway' }, { origin: 'https://evil.example' }).catch((e: { data: unknown }) => e.data);
    expect(refusal).toEqual({ code: 'forbidden', message: 'This page is not allowed to embed this flow' });
  });

  it('refuses a handshake without Origin unless the browser says it is same-origin', async () => {
    const refusal = await connectChat(server.url, { workspace: workspace.id, flow: 'gateway' }, { origin: null }).catch((e: { data: unknown }) => e.data);
    expect(refusal).toMatchObject({ code: 'forbidden' });
  });

  it('refuses bad handshakes with a code and a path', async () => {
    const refusal = await connectChat(server.url, { workspace: 'not-a-uuid', flow: 'gateway' }).catch((e: { data: unknown }) => e.data);
    expect(refusal).toMatchObject({ code: 'validation_failed', path: '/auth/workspace' });
    const missing = await connectChat(server.url, { workspace: workspace.id, flow: 'nope' }, { origin: 'https://shop.example' }).catch((e: { data: unknown }) => e.data);
    expect(missing).toMatchObject({ code: 'not_found' });
  });

  it('answers an invalid reply with code and path, and the session goes on', async () => {
    const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'gateway' }, { origin: 'https://shop.example' });
    expect(await chat.reply('not an email')).toEqual({ ok: false, error: { code: 'validation_failed', message: 'Please enter a valid email address', path: '/value' } });
    const malformed = await new Promise((done) => chat.socket.emit('reply', { clientMessageId: 'x', value: 42 }, done));
    expect(malformed).toMatchObject({ ok: false, error: { code: 'validation_failed', path: '/value' } });
    const extra = await new Promise((done) => chat.socket.emit('reply', { clientMessageId: 'y', value: 'a', admin: true }, done));
    expect(extra).toMatchObject({ ok: false, error: { code: 'validation_failed', path: '/admin' } });
    const ack = await chat.reply('b@example.org');
    expect(ack.ok).toBe(true);
    chat.close();
  });

  it('closes only the socket that sends a 1 MB frame', async () => {
    const bystander = await connectChat(server.url, { workspace: workspace.id, flow: 'gateway' }, { origin: 'https://shop.example' });
    const attacker = await connectChat(server.url, { workspace: workspace.id, flow: 'gateway' }, { origin: 'https://shop.example' });
    const closed = new Promise<string>((done) => attacker.socket.on('disconnect', (reason) => done(reason)));
    attacker.socket.emit('reply', { clientMessageId: 'big', value: 'x'.repeat(1024 * 1024) });
    expect(await closed).toBe('transport close');
    const ack = await bystander.reply('c@example.org');
    expect(ack.ok).toBe(true);
    bystander.close();
  });

  it('rate limits a socket that floods replies, and the session continues', async () => {
    const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'gateway' }, { origin: 'https://shop.example' });
    const acks = await Promise.all(Array.from({ length: 30 }, (_, i) => chat.reply('bad', `flood-${i}`)));
    expect(acks.some((a) => !a.ok && a.error.code === 'rate_limited')).toBe(true);
    chat.close();
  });

  it('resumes a session by its token on a new connection', async () => {
    const first = await connectChat(server.url, { workspace: workspace.id, flow: 'gateway' }, { origin: 'https://shop.example' });
    first.close();
    const again = await connectChat(server.url, { workspace: workspace.id, flow: 'gateway', resumeToken: first.session.resumeToken }, { origin: 'https://shop.example' });
    expect(again.session.sessionId).toBe(first.session.sessionId);
    expect(again.firstTurn).toEqual(first.firstTurn);
    again.close();
  });

  it('sends the session with the start turn', async () => {
    const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'gateway' }, { origin: 'https://shop.example' });
    chat.close();
    expect(chat.session).toEqual({ sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/), resumeToken: expect.stringMatching(/^[A-Za-z0-9_-]{20,100}$/) });
    expect(chat.firstTurn.messages).toEqual([{ kind: 'text', text: 'Hello World' }, { kind: 'text', text: 'Email?' }]);
  });

  it('answers an accepted websocket upgrade with 101, and one it refuses with 400 (its socket is not held corked)', async () => {
    expect(await firstChunk('/socket.io/?EIO=4&transport=websocket')).toMatch(/^HTTP\/1\.1 101 /);
    expect(await firstChunk('/socket.io/?EIO=4&transport=websocket&sid=unknown')).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('serves the widget script', async () => {
    const response = await fetch(`${server.url}/widget.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect((await response.text()).length).toBeGreaterThan(10_000);
  });
});

/** The first chunk the server sends on a raw websocket upgrade request for `path`. */
function firstChunk(path: string): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString('latin1'));
    });
    socket.once('error', reject);
    // Closed before sending anything (an answer that never left): nothing to match.
    socket.once('close', () => resolve(''));
  });
}
