import type { Socket } from 'socket.io';
import type { ProtocolError } from '../../core/chat-protocol.js';
import type { Clock } from '../../core/clock.js';
import { addressKey, clientAddress } from './client-address.js';
import { TokenBucket } from './rate-limiter.js';

export interface HandshakeLimitOptions {
  /** Handshakes one address may start per minute, all at once or spread out. */
  readonly perMinute: number;
  /** Reverse proxies in front of the server whose `X-Forwarded-For` entry is trusted (0: none). */
  readonly trustedProxyHops: number;
  readonly clock: Clock;
}

/** Tracked addresses beyond which idle ones (full buckets, the same as untracked) are dropped. */
const PRUNE_ABOVE = 10_000;

/** What a refused handshake says: the widget shows `message` and tries again later. */
export const HANDSHAKE_LIMIT_ERROR: ProtocolError = Object.freeze({
  code: 'rate_limited',
  message: 'Too many chats were opened from your network in the last minute; please try again shortly',
});

/**
 * Per-address handshake budget: a token bucket of `perMinute` handshakes, refilled continuously,
 * per client address (IPv6 by /64). Memory stays bounded: idle addresses are forgotten.
 */
export class HandshakeLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #now: () => number;

  constructor(private readonly options: HandshakeLimitOptions) {
    this.#now = () => options.clock.now().getTime();
  }

  /** Takes one handshake for the address key; false when its budget is spent. */
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

/**
 * A socket.io middleware that refuses a handshake beyond its address's budget before anything
 * else runs (no database access, no session): the client gets a connect error whose `data` is
 * `HANDSHAKE_LIMIT_ERROR`. An admitted socket carries the address in `socket.data.clientAddress`.
 * Register it first with `namespace.use(...)`.
 */
export function handshakeLimitMiddleware(options: HandshakeLimitOptions): (socket: Socket, next: (error?: Error) => void) => void {
  const limiter = new HandshakeLimiter(options);
  return (socket, next) => {
    const address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], options.trustedProxyHops);
    if (limiter.take(address === null ? 'unknown' : addressKey(address))) {
      socket.data.clientAddress = address;
      return next();
    }
    next(Object.assign(new Error(HANDSHAKE_LIMIT_ERROR.message), { data: HANDSHAKE_LIMIT_ERROR }));
  };
}
