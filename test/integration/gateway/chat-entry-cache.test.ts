import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat } from '../../support/chat-client.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import type { RunningServer } from '../../../runtime/server.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';

let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;
let key: string;
/** A connection of "another process": its changes reach this server only through PostgreSQL. */
let other: pg.Client;

const SHOP = 'https://shop.example';
const flow = (text: string) => ({ name: 'Cached', steps: [{ id: 'hello', module: 'message', config: { text } }] });

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  workspace = await createWorkspace(storage, { name: 'Cached', allowedOrigins: [SHOP] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  await saveTestFlow(storage, workspace, 'cached', flow('Version one'));
  other = new pg.Client({ connectionString: storage.database.connectionString });
  await other.connect();
});
afterAll(async () => {
  await other.end();
  await server.close();
  await storage.destroy();
});

/** The first turn's text, or the refusal's code. */
async function handshake(origin = SHOP): Promise<string> {
  try {
    const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'cached' }, { origin });
    chat.close();
    const [message] = chat.firstTurn.messages as ReadonlyArray<{ text?: string }>;
    return message?.text ?? '';
  } catch (error) {
    return (error as { data: { code: string } }).data.code;
  }
}

/** The server's count of handshake entries it kept (hit) or read (miss). */
async function lookups(): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const count = (result: string) => Number(new RegExp(`^parley_chat_entry_lookups_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { hit: count('hit'), miss: count('miss') };
}

/** Handshakes until `expected` comes back (another process's change arrives through the feed); the last answer otherwise. */
async function eventually(expected: string, origin = SHOP): Promise<string> {
  const deadline = Date.now() + 20_000;
  let answer = await handshake(origin);
  while (answer !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer = await handshake(origin);
  }
  return answer;
}

describe('chat handshake entries kept per process', () => {
  it('reads the workspace and flow once, then serves handshakes without the database', async () => {
    await handshake();
    const before = await lookups();
    for (let i = 0; i < 5; i += 1) expect(await handshake()).toBe('Version one');
    const after = await lookups();
    expect(after.hit - before.hit).toBe(5);
    expect(after.miss - before.miss).toBe(0);
  });

  it('applies an origin the owner removes through the admin API to the very next handshake', async () => {
    for (let round = 0; round < 3; round += 1) {
      expect(await handshake()).toBe('Version one');
      expect((await api(server.url, key, 'PATCH', '/api/v1/workspace', { allowedOrigins: [] })).status).toBe(200);
      expect(await handshake()).toBe('forbidden');
      expect((await api(server.url, key, 'PATCH', '/api/v1/workspace', { allowedOrigins: [SHOP] })).status).toBe(200);
    }
  });

  it('applies a flow the owner saves or closes through the admin API to the very next handshake', async () => {
    expect(await handshake()).toBe('Version one');
    expect((await api(server.url, key, 'PUT', '/api/v1/flows/cached', flow('Version two'))).status).toBe(200);
    expect(await handshake()).toBe('Version two');
    expect((await api(server.url, key, 'POST', '/api/v1/flows/cached/close')).status).toBe(200);
    expect(await handshake()).not.toBe('Version two');
    await saveTestFlow(storage, workspace, 'cached', flow('Version one'));
  });

  it("drops what another process changed when PostgreSQL announces it", async () => {
    expect(await eventually('Version one')).toBe('Version one');
    await other.query('update workspaces set allowed_origins = $2 where id = $1', [workspace.id, JSON.stringify([])]);
    expect(await eventually('forbidden')).toBe('forbidden');
    await other.query('update workspaces set allowed_origins = $2 where id = $1', [workspace.id, JSON.stringify([SHOP])]);
    expect(await eventually('Version one')).toBe('Version one');
  });

  it('keeps nothing while its feed connection is down, and keeps again once it is back', async () => {
    expect(await handshake()).toBe('Version one');
    const killed = await other.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'parley change feed' and datname = current_database()`);
    expect(killed.rowCount).toBe(1);
    // A change made while the feed reconnects is never missed: the cache was dropped with the connection.
    await other.query('update workspaces set allowed_origins = $2 where id = $1', [workspace.id, JSON.stringify([])]);
    expect(await eventually('forbidden')).toBe('forbidden');
    await other.query('update workspaces set allowed_origins = $2 where id = $1', [workspace.id, JSON.stringify([SHOP])]);
    expect(await eventually('Version one')).toBe('Version one');
    // Back to one read, then hits.
    const deadline = Date.now() + 20_000;
    let gained = 0;
    while (gained === 0 && Date.now() < deadline) {
      const before = await lookups();
      await handshake();
      gained = (await lookups()).hit - before.hit;
    }
    expect(gained).toBe(1);
  });
});
