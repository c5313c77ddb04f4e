import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * The channel on which workspaces and flows announce a committed change (migration 0020): the
 * payload is the workspace id. Anything derived from those rows (the handshake's entry) is stale.
 */
export const CHAT_ENTRY_CHANNEL = 'parley_chat_entry';

export interface ChangeFeedOptions {
  readonly connectionString: string;
  readonly channel: string;
  /** How often the connection is checked with a trivial query (a silent network loss is found within this). */
  readonly probeMs?: number;
  /** The longest wait between reconnection attempts. */
  readonly maxRetryMs?: number;
  /** How long a probe or a sync may take before the connection counts as lost. */
  readonly timeoutMs?: number;
}

/** What a notification or a reset tells subscribers: a changed key, or `undefined` for "anything may have changed". */
export type ChangeListener = (key: string | undefined) => void;

/**
 * Notifications of committed changes, on one dedicated connection that LISTENs to a channel. A
 * consumer caches what it read from the database and drops it when told; it may trust its cache
 * only while the feed is `live` (its LISTEN is in place) and within one `epoch`: the epoch
 * changes with every notification and every time the connection goes down or comes back, so a
 * read that overlapped a change is never kept. While the connection is down, nothing is live and
 * subscribers have been told to forget everything; the feed reconnects with a growing delay.
 */
export class ChangeFeed {
  /** The connection being opened or in use; a loss of any other one is ignored. */
  #client: pg.Client | undefined;
  #live = false;
  #epoch = 0;
  #closed = false;
  #retryMs = 100;
  #timer: NodeJS.Timeout | undefined;
  readonly #listeners = new Set<ChangeListener>();
  readonly #syncs = new Map<string, () => void>();
  /** Sync tokens of this process: `sync:<uuid>:<n>`, never a workspace id. */
  readonly #syncPrefix = `sync:${randomUUID()}:`;
  #syncsSent = 0;
  readonly #probeMs: number;
  readonly #maxRetryMs: number;
  readonly #timeoutMs: number;

  constructor(private readonly options: ChangeFeedOptions) {
    this.#probeMs = options.probeMs ?? 10_000;
    this.#maxRetryMs = options.maxRetryMs ?? 5_000;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** True while the LISTEN is in place. */
  get live(): boolean {
    return this.#live;
  }

  /** Changes with every notification and every loss or return of the connection. */
  get epoch(): number {
    return this.#epoch;
  }

  subscribe(listener: ChangeListener): void {
    this.#listeners.add(listener);
  }

  /** Connects and listens; resolves once live or once the first attempt failed (it keeps retrying). */
  async start(): Promise<void> {
    await this.#connect();
  }

  /**
   * Resolves once every change committed before this call has been delivered to the subscribers:
   * the feed notifies itself and waits for its own notification, which PostgreSQL delivers after
   * every notification committed before it. Used after this process's own writes, so that its
   * next read never sees its cache from before them. Resolves at once when the feed is not live
   * (nothing is cached then).
   */
  async sync(): Promise<void> {
    const client = this.#client;
    if (!this.#live || !client) return;
    const token = `${this.#syncPrefix}${(this.#syncsSent += 1)}`;
    const delivered = new Promise<void>((resolve) => this.#syncs.set(token, resolve));
    try {
      await this.#timed(client.query('select pg_notify($1, $2)', [this.options.channel, token]).then(() => delivered), 'sync');
    } catch {
      // The feed is in doubt: drop it (subscribers forget everything) and reconnect.
      this.#lost(client);
    } finally {
      this.#syncs.delete(token);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    this.#down();
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.options.connectionString, keepAlive: true, application_name: 'parley change feed' });
    this.#client = client;
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (message) => this.#notified(message.payload ?? ''));
    try {
      await client.connect();
      await client.query(`listen ${pg.escapeIdentifier(this.options.channel)}`);
      if (client !== this.#client) {
        await client.end();
        return;
      }
      this.#live = true;
      this.#epoch += 1;
      this.#retryMs = 100;
      this.#tell(undefined);
      this.#schedule(() => void this.#probe(client), this.#probeMs);
    } catch {
      this.#lost(client);
    }
  }

  #notified(payload: string): void {
    this.#epoch += 1;
    const sync = this.#syncs.get(payload);
    if (sync) sync();
    else if (!payload.startsWith('sync:')) this.#tell(payload);
  }

  async #probe(client: pg.Client): Promise<void> {
    if (client !== this.#client) return;
    try {
      await this.#timed(client.query('select 1'), 'probe');
      if (client === this.#client) this.#schedule(() => void this.#probe(client), this.#probeMs);
    } catch {
      this.#lost(client);
    }
  }

  /** `work`, or a rejection once the feed's timeout has passed (the connection is then in doubt). */
  async #timed<T>(work: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`change feed ${what} timed out`)), this.#timeoutMs);
    });
    try {
      return await Promise.race([work, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The connection `client` is gone or in doubt: nothing is live until a new one listens. */
  #lost(client: pg.Client): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    if (this.#live) this.#down();
    client.removeAllListeners('end');
    client.removeAllListeners('notification');
    client.on('error', () => {});
    void client.end().catch(() => {});
    if (this.#closed) return;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, this.#maxRetryMs);
    this.#schedule(() => void this.#connect(), delay);
  }

  #down(): void {
    clearTimeout(this.#timer);
    this.#live = false;
    this.#epoch += 1;
    this.#tell(undefined);
    // Subscribers have just forgotten everything, and keep nothing until the feed is back: a
    // pending sync has nothing left to wait for.
    for (const resolve of this.#syncs.values()) resolve();
  }

  #schedule(run: () => void, ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(run, ms);
    this.#timer.unref();
  }

  #tell(key: string | undefined): void {
    for (const listener of this.#listeners) listener(key);
  }
}
