import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { longLivedClientPool } from '../../../storage/database.js';
import { createTestDatabase, createTestStorage } from '../../support/test-database.js';
import { startTestServer } from '../../support/test-server.js';
import { waitUntil } from '../../support/wait-until.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
beforeEach(async () => {
  database = await createTestDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
});
afterEach(async () => {
  await pool.end();
  await database.drop();
});

/** Clients the pool has checked out. */
const checkedOut = () => pool.totalCount - pool.idleCount;

describe('a pool view for long-lived clients (the chat adapter’s LISTEN client)', () => {
  it('ends a client its holder releases instead of pooling it with its LISTEN', async () => {
    const view = longLivedClientPool(pool);
    const client = await view.pool.connect();
    await client.query('listen "parley test"');
    client.release();
    expect(pool.totalCount).toBe(0);
    // The view's own query goes to the pool as usual.
    expect((await view.pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    expect(pool.idleCount).toBe(1);
  });

  it('frees the slot of a client whose connection ends, and never releases a later check-out of it', async () => {
    const view = longLivedClientPool(pool);
    const client = await view.pool.connect();
    client.on('error', () => {});
    const { rows: [{ pid }] } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    await pool.query('select pg_terminate_backend($1)', [pid]);
    await waitUntil(() => pool.totalCount === 1 || undefined, { what: 'the ended client to leave the pool' });
    // Released by its holder afterwards as well: nothing else is released.
    const other = await pool.connect();
    client.release();
    expect(checkedOut()).toBe(1);
    other.release();
  });

  it('takes back every client still held on close, and ends one asked for before and handed over after it', async () => {
    const view = longLivedClientPool(pool);
    const held = await view.pool.connect();
    const inFlight = view.pool.connect();
    view.close();
    let settled = false;
    void inFlight.then(() => (settled = true), () => (settled = true));
    await waitUntil(() => checkedOut() === 0 && pool.waitingCount === 0 || undefined, { what: 'the late client to be ended' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    // The held client was ended, not pooled.
    expect(pool.totalCount).toBe(0);
    // Its holder releasing it afterwards (as the adapter's own close does) is no error.
    expect(() => held.release()).not.toThrow();
    expect(pool.totalCount).toBe(0);
    // The pool's end no longer waits for a client nobody will release.
    await pool.end();
    pool = new pg.Pool({ connectionString: database.url });
  });
});

describe('a server closed as soon as it has started', () => {
  it('leaves no database client behind, so its storage closes', async () => {
    const storage = await createTestStorage();
    try {
      for (let round = 0; round < 3; round += 1) {
        const server = await startTestServer(storage);
        await server.close();
        await waitUntil(() => storage.pool.totalCount === storage.pool.idleCount || undefined, { what: 'every client to be back', timeoutMs: 5_000 });
      }
    } finally {
      await storage.destroy();
    }
  });
});
