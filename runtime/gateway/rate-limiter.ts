/** A token bucket: `capacity` messages at once, refilled at `perSecond`. One per socket (replies) or per client address (handshakes). */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(readonly capacity: number, readonly perSecond: number, private readonly now: () => number = Date.now) {
    this.#tokens = capacity;
    this.#last = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** True when the bucket has refilled completely (it is then the same as a new one). */
  isFull(): boolean {
    this.#refill();
    return this.#tokens >= this.capacity;
  }

  #refill(): void {
    const now = this.now();
    this.#tokens = Math.min(this.capacity, this.#tokens + (Math.max(0, now - this.#last) / 1000) * this.perSecond);
    this.#last = now;
  }
}
