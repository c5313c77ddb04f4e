import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { startTestServer } from '../../support/test-server.js';
import { connectChat, type ChatClient } from '../../support/chat-client.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';

const PARTICIPANTS = 500;
const STOCK = 10;
const ROUNDS = 20;
let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;

beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2026-09-01T12:00:00Z') });
  // Every participant connects from this one address: lift the per-address handshake budget.
  server = await startTestServer(storage, { PARLEY_HANDSHAKES_PER_IP_PER_MINUTE: '100000' });
  workspace = await createWorkspace(storage, { name: 'Instant win over sockets' });
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

async function round(slug: string): Promise<{ winners: number; acks: number }> {
  storage.clock.set('2026-09-01T12:00:00Z');
  await saveTestFlow(storage, workspace, slug, {
    name: slug,
    opensAt: '2026-09-01T11:00:00Z',
    closesAt: '2026-09-01T13:00:00Z',
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'play' },
      { id: 'play', module: 'instant-win', config: { prizes: [{ id: 'tv', title: 'TV', stock: STOCK }], winText: 'WIN {{prize}}', loseText: 'LOSE' } },
    ],
  });
  // Every winning moment is due: they were drawn inside the window, before its end.
  storage.clock.set(new Date('2026-09-01T13:00:00Z').getTime() - 1);
  const clients: ChatClient[] = await Promise.all(Array.from({ length: PARTICIPANTS }, () => connectChat(server.url, { workspace: workspace.id, flow: slug })));
  const acks = await Promise.all(clients.map((client, i) => client.reply(`p${i}@${slug}.example.org`)));
  clients.forEach((client) => client.close());
  const texts = acks.map((ack) => (ack.ok ? ack.turn.messages.map((m) => (m.kind === 'text' ? m.text : '')).join(' ') : `error ${ack.error.code}`));
  expect(texts.filter((t) => t.startsWith('error'))).toEqual([]);
  return { winners: texts.filter((t) => t === 'WIN TV').length, acks: acks.length };
}

describe('instant win through the chat gateway', () => {
  it(`${PARTICIPANTS} concurrent socket.io participations against a stock of ${STOCK} give exactly ${STOCK} winners, ${ROUNDS} times`, async () => {
    for (let r = 0; r < ROUNDS; r += 1) {
      const slug = `round-${r}`;
      const { winners, acks } = await round(slug);
      expect({ winners, acks }).toEqual({ winners: STOCK, acks: PARTICIPANTS });
      const stored = await sql<{ n: string }>`
        select count(*) as n from store_winners w join flows f on f.id = w.flow_id where f.slug = ${slug} and f.workspace_id = ${workspace.id}`.execute(storage.db);
      expect(Number(stored.rows[0]!.n)).toBe(STOCK);
    }
  }, 600_000);
});
