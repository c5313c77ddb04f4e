import type { ChangeFeed } from '../../storage/change-feed.js';

/** How long an entry may be served at most, whatever the feed says (a bound on a feed that fails unnoticed). */
const MAX_AGE_MS = 60_000;

/** Freezes a cached entry all the way down: every handshake shares it, so nothing may change it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

interface Cached<T> {
  readonly value: T;
  readonly at: number;
}

/**
 * What a chat handshake reads (a workspace with its allowed origins, and the flow it names), kept
 * per process so that a handshake costs no round trip. A committed change to a workspace or a
 * flow is announced on the change feed (triggers of migration 0020), and this process drops that
 * workspace's entries when it hears it, a few milliseconds after the commit. This process's own
 * admin writes wait for that before they answer (`ChangeFeed.sync`), so the owner's next
 * handshake through this process sees them; other processes follow within the feed's delivery
 * time. While the feed is down nothing is cached, and an entry read while a change was being
 * announced is not kept (the feed's epoch moved). The settings that guard writes (storage off,
 * retention) are read again by the statement that writes, so a cached entry never applies them late.
 * Bounded: the oldest entry goes first.
 */
export class ChatEntryCache<T extends { workspace: { id: string }; flow?: unknown }> {
  readonly #entries = new Map<string, Cached<T>>();

  constructor(
    private readonly feed: Pick<ChangeFeed, 'live' | 'epoch' | 'subscribe'>,
    private readonly limit: number,
    /** Told of every lookup: true when the entry was kept, false when it was read. */
    private readonly onLookup: (hit: boolean) => void = () => {},
    private readonly now: () => number = () => performance.now(),
  ) {
    feed.subscribe((workspaceId) => this.forget(workspaceId));
  }

  /** The entry of (`workspaceId`, `slug`): cached, or read by `load` (and kept when nothing changed meanwhile). */
  async get(workspaceId: string, slug: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const key = `${workspaceId}/${slug}`;
    const cached = this.#entries.get(key);
    if (cached && this.feed.live && this.now() - cached.at < MAX_AGE_MS) {
      this.onLookup(true);
      return cached.value;
    }
    this.onLookup(false);
    const epoch = this.feed.epoch;
    const at = this.now();
    const value = await load();
    // Only a flow that exists is kept: random ids and slugs must not crowd out real entries.
    if (value?.flow !== undefined && this.feed.live && this.feed.epoch === epoch && value.workspace.id === workspaceId) {
      this.#entries.delete(key);
      this.#entries.set(key, { value: deepFreeze(value), at });
      if (this.#entries.size > this.limit) this.#entries.delete(this.#entries.keys().next().value!);
    }
    return value;
  }

  /** Drops the entries of one workspace, or every entry. */
  forget(workspaceId?: string): void {
    if (workspaceId === undefined) {
      this.#entries.clear();
      return;
    }
    const prefix = `${workspaceId}/`;
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  /** Entries held (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }
}
