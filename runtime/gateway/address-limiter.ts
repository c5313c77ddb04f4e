import type { Clock } from '../../core/clock.js';
import { TokenBucket } from './rate-limiter.js';

/** Tracked addresses beyond which idle ones (full buckets, the same as untracked) are dropped. */
const PRUNE_ABOVE = 10_000;

/**
 * Per-address budget (handshakes, files): a token bucket of `perMinute` requests, refilled continuously,
 * per client address (IPv6 by /64). Memory stays bounded: idle addresses are forgotten.
 */
export class AddressLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #now: () => number;

  constructor(private readonly options: { readonly perMinute: number; readonly clock: Clock }) {
    this.#now = () => options.clock.now().getTime();
  }

  /** Takes one request for the address key; false when its budget is spent. */
  take(key: string): boolean {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= PRUNE_ABOVE) this.#prune();
      bucket = new TokenBucket(this.options.perMinute, this.options.perMinute / 60, this.#now);
      this.#buckets.set(key, bucket);
    }
    return bucket.take();
  }

  /** Addresses currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  #prune(): void {
    for (const [key, bucket] of this.#buckets) if (bucket.isFull()) this.#buckets.delete(key);
  }
}
