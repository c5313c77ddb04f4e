import { describe, expect, it } from 'vitest';
import { ChatEntryCache } from '../../../runtime/engine/chat-entry-cache.js';
import type { ChangeListener } from '../../../storage/change-feed.js';

/** A change feed driven by the test. */
class FakeFeed {
  live = true;
  epoch = 0;
  listeners: ChangeListener[] = [];
  subscribe(listener: ChangeListener): void {
    this.listeners.push(listener);
  }
  change(key: string | undefined): void {
    this.epoch += 1;
    for (const listener of this.listeners) listener(key);
  }
}

const entry = (workspace: string, version: number): { workspace: { id: string }; flow?: { version: number } } => ({ workspace: { id: workspace }, flow: { version } });
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

function setup(limit = 10) {
  const feed = new FakeFeed();
  let clock = 0;
  const lookups: boolean[] = [];
  const cache = new ChatEntryCache<ReturnType<typeof entry>>(feed, limit, (hit) => lookups.push(hit), () => clock);
  let reads = 0;
  const load = (workspace: string, version = 1) => async () => {
    reads += 1;
    return entry(workspace, version);
  };
  return { feed, cache, load, lookups, reads: () => reads, advance: (ms: number) => (clock += ms) };
}

describe('chat entry cache', () => {
  it('reads an entry once, then serves it', async () => {
    const { cache, load, reads, lookups } = setup();
    await cache.get(A, 'f', load(A));
    expect(await cache.get(A, 'f', load(A, 2))).toEqual(entry(A, 1));
    expect(reads()).toBe(1);
    expect(lookups).toEqual([false, true]);
  });

  it("drops a workspace's entries when the feed announces it, and only those", async () => {
    const { feed, cache, load, reads } = setup();
    await cache.get(A, 'f', load(A));
    await cache.get(A, 'g', load(A));
    await cache.get(B, 'f', load(B));
    feed.change(A);
    expect(await cache.get(A, 'f', load(A, 2))).toEqual(entry(A, 2));
    expect(await cache.get(B, 'f', load(B, 2))).toEqual(entry(B, 1));
    expect(reads()).toBe(4);
  });

  it('does not keep an entry whose read overlapped a change', async () => {
    const { feed, cache } = setup();
    let count = 0;
    const overlapped = async () => {
      count += 1;
      feed.change(B); // any change: the read may predate it
      return entry(A, count);
    };
    await cache.get(A, 'f', overlapped);
    await cache.get(A, 'f', overlapped);
    expect(count).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('keeps nothing and serves nothing kept while the feed is down', async () => {
    const { feed, cache, load, reads } = setup();
    await cache.get(A, 'f', load(A));
    feed.live = false;
    await cache.get(A, 'f', load(A, 2));
    await cache.get(B, 'f', load(B));
    expect(cache.size).toBe(1);
    feed.live = true;
    feed.change(undefined);
    expect(cache.size).toBe(0);
    expect(reads()).toBe(3);
  });

  it('keeps no unknown workspace or flow, reads an entry again after a minute, and holds at most its limit', async () => {
    const { cache, load, reads, advance } = setup(2);
    await cache.get(A, 'f', async () => undefined);
    await cache.get(A, 'nope', async () => ({ workspace: { id: A } }));
    expect(cache.size).toBe(0);
    await cache.get(A, 'f', load(A));
    advance(60_000);
    expect(await cache.get(A, 'f', load(A, 2))).toEqual(entry(A, 2));
    await cache.get(A, 'g', load(A));
    await cache.get(B, 'f', load(B));
    expect(cache.size).toBe(2);
    expect(reads()).toBe(4);
  });
});
