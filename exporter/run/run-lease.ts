import { Transform } from 'node:stream';
import { ParleyError } from '../../core/errors.js';
import { heartbeatRun, type RunClaim } from '../../storage/export-run-repository.js';
import type { StoreContext } from '../../storage/store-context.js';

const HEARTBEAT_MS = 5_000;

/** A run's lease was lost (taken over, or ran out while the worker was cut off): this worker must stop and write nothing. */
export class LeaseLostError extends ParleyError {
  constructor() {
    super('export_failed', "The run's lease was lost: another worker may hold the run");
  }
}

/** How often a lease is renewed: every 5 s, and at least three times per lease so a short one never lapses mid-run. */
export function heartbeatInterval(leaseMs: number): number {
  return Math.max(50, Math.min(HEARTBEAT_MS, Math.floor(leaseMs / 3)));
}

/**
 * The lease of one claimed run, held while it streams. It is renewed on a heartbeat, and is
 * lost — `signal` aborts with a LeaseLostError — as soon as a renewal finds another claim in
 * the database, or when the database could not be reached for longer than the lease (counted
 * on this process's own monotonic clock from the last renewal sent that succeeded). `confirm()` renews it once more
 * right before a commit (a rename, a completed upload): whatever is committed is committed
 * inside a lease this worker holds.
 */
export class RunLease {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  /** performance.now() at which the last confirmed lease ends. */
  #deadline: number;
  #renewing = false;

  constructor(private readonly storage: StoreContext, readonly claim: RunClaim, private readonly leaseMs: number, private readonly progress: () => number) {
    this.#deadline = performance.now() + leaseMs;
    this.#timer = setInterval(() => void this.#beat(), heartbeatInterval(leaseMs));
  }

  /** Aborts (reason: LeaseLostError) once the lease is lost. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get lost(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Renews the lease now; throws LeaseLostError when it is no longer this worker's. */
  async confirm(): Promise<void> {
    this.#checkDeadline();
    if (this.lost) throw this.#controller.signal.reason;
    const sent = performance.now();
    let held: boolean;
    try {
      held = await heartbeatRun(this.storage, this.claim, this.progress(), this.leaseMs);
    } catch (error) {
      this.#checkDeadline();
      throw error;
    }
    if (!held) this.#lose();
    if (this.lost) throw this.#controller.signal.reason;
    this.#deadline = sent + this.leaseMs;
  }

  /** A pass-through stream that confirms the lease before it lets its input end: nothing downstream commits without it. */
  commitGate(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => callback(null, chunk),
      flush: (callback) => {
        this.confirm().then(() => callback(), (error: unknown) => callback(error instanceof Error ? error : new LeaseLostError()));
      },
    });
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #beat(): Promise<void> {
    this.#checkDeadline();
    if (this.lost || this.#renewing) return;
    this.#renewing = true;
    try {
      await this.confirm();
    } catch {
      // Unreachable database: the deadline decides; a lost lease has aborted already.
    } finally {
      this.#renewing = false;
    }
  }

  #checkDeadline(): void {
    if (performance.now() >= this.#deadline) this.#lose();
  }

  #lose(): void {
    if (!this.lost) {
      this.stop();
      this.#controller.abort(new LeaseLostError());
    }
  }
}
