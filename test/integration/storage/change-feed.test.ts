import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { CHAT_ENTRY_CHANNEL, ChangeFeed } from '../../../storage/change-feed.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';

let storage: TestStorage;
let workspace: Workspace;
let feed: ChangeFeed;
/** Another process's connection. */
let other: pg.Client;
const heard: Array<string | undefined> = [];

beforeAll(async () => {
  storage = await createTestStorage();
  workspace = await createWorkspace(storage, { name: 'Feed' });
  feed = new ChangeFeed({ connectionString: storage.database.connectionString, channel: CHAT_ENTRY_CHANNEL, maxRetryMs: 200 });
  feed.subscribe((key) => heard.push(key));
  await feed.start();
  other = new pg.Client({ connectionString: storage.database.connectionString });
  await other.connect();
});
afterAll(async () => {
  await other.end();
  await feed.close();
  await storage.destroy();
});

const rename = (name: string) => other.query('update workspaces set name = $2 where id = $1', [workspace.id, name]);

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('change feed', () => {
  it('is live once started', () => {
    expect(feed.live).toBe(true);
  });

  it('tells subscribers the workspace of every committed change, once sync resolves; never a rolled-back one', async () => {
    heard.length = 0;
    await other.query('begin');
    await rename('Rolled back');
    await other.query('rollback');
    // 100 commits sent at once: their notifications arrive in a burst, after their commits returned.
    await Promise.all(Array.from({ length: 100 }, (_, i) => rename(`Feed ${i}`)));
    const epoch = feed.epoch;
    await feed.sync();
    expect(heard).toEqual(Array.from({ length: 100 }, () => workspace.id));
    expect(feed.epoch).toBeGreaterThan(epoch);
  });

  it('tells of flows saved, closed and deleted, by their workspace', async () => {
    heard.length = 0;
    const flowId = '0196a0d3-0000-7000-8000-000000000001';
    await other.query(`insert into flows (id, workspace_id, slug, hash_id, name, status, definition, created_at, updated_at) values ($1, $2, 'f', 'h1', 'F', 'open', '{}', now(), now())`, [flowId, workspace.id]);
    await other.query(`update flows set status = 'closed', closed_at = now() where id = $1`, [flowId]);
    await other.query('delete from flows where id = $1', [flowId]);
    await feed.sync();
    expect(heard).toEqual([workspace.id, workspace.id, workspace.id]);
  });

  it('tells subscribers to forget everything when its connection is lost, and listens again', async () => {
    heard.length = 0;
    const epoch = feed.epoch;
    const killed = await other.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'parley change feed' and datname = current_database()`);
    expect(killed.rowCount).toBe(1);
    await until(() => !feed.live);
    expect(feed.live).toBe(false);
    expect(heard).toContain(undefined);
    expect(feed.epoch).toBeGreaterThan(epoch);
    await feed.sync(); // not live: resolves at once
    await until(() => feed.live);
    expect(feed.live).toBe(true);
    heard.length = 0;
    await rename('After reconnection');
    await feed.sync();
    expect(heard).toEqual([workspace.id]);
  });
});
