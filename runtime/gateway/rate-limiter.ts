/** A token bucket: `capacity` messages at once, refilled at `perSecond`. One per socket. */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(readonly capacity: number, readonly perSecond: number, private readonly now: () => number = Date.now) {
    this.#tokens = capacity;
    this.#last = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#last) / 1000) * this.perSecond);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
