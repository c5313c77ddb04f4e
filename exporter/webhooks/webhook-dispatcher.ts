import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { toParleyError } from '../../core/errors.js';
import type { Storage } from '../../storage/storage.js';
import type { JobOutcome } from '../../storage/job-queue.js';
import { dispatchWebhookEvents, type NewDelivery } from '../../storage/webhook-outbox.js';
import { beginDeliveryAttempt, finishDeliveryAttempt, listUnqueuedDeliveries, markDeliveriesQueued, type DeliveryWork } from '../../storage/webhook-delivery-repository.js';
import { openWebhookSecret } from '../../storage/webhook-endpoint-repository.js';
import { loadWebhookEventSource } from '../../storage/webhook-event-source.js';
import { webhookPayload } from './webhook-payload.js';
import { postWebhook, type SendOutcome } from './webhook-sender.js';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';

/** How webhooks are delivered (from the process configuration). */
export interface WebhookDeliveryOptions {
  /** Private, loopback and link-local targets are allowed (operator's choice; tests). */
  readonly allowPrivate: boolean;
  /** Base of the exponential backoff between attempts, in seconds (pg-boss `retryDelay` with `retryBackoff`). */
  readonly retryDelaySeconds: number;
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Bound of one attempt, connection to last byte. */
  readonly timeoutMs: number;
  /** How often the outbox is drained when nothing wakes the drainer sooner. */
  readonly drainIntervalMs: number;
  /** Deliveries this process makes at once (default 1): an endpoint slow to answer holds up only its own. */
  readonly concurrency?: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

interface DeliveryJob {
  readonly deliveryId: string;
}

/** A delivery left without its job (its process died between commit and send) is queued again after this. */
const ORPHAN_GRACE_MS = 60_000;

/**
 * Turns outbox events into deliveries and delivers them as pg-boss jobs (payloads: the delivery
 * id only). Each attempt reads the event's source and the endpoint's secret afresh, signs the
 * body and POSTs it; a failed attempt answers `'retry'`, so pg-boss runs it again after its
 * exponential backoff, and the last one ends the delivery failed. Background errors are logged,
 * never thrown.
 */
export class WebhookDispatcher {
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #lastRescue = 0;

  constructor(private readonly storage: Storage, private readonly options: WebhookDeliveryOptions) {}

  /** Registers the delivery worker and starts draining the outbox periodically. */
  async start(): Promise<void> {
    await this.storage.jobs.work<DeliveryJob>('webhook-delivery', (job) => this.deliver(job.data.deliveryId), { pollingIntervalSeconds: 1, workers: this.options.concurrency ?? 1 });
    this.#timer = setInterval(() => this.wake(), this.options.drainIntervalMs);
    this.#timer.unref();
    this.wake();
  }

  stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    return this.#draining ?? Promise.resolve();
  }

  /** Drains the outbox now (after an event was committed); calls during a drain run it once more. */
  wake(): void {
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = this.#drainAll()
      .catch((error: unknown) => this.options.logger.error({ err: { message: toParleyError(error).message } }, 'webhook outbox drain failed'))
      .finally(() => {
        this.#draining = undefined;
        if (this.#again && this.#timer) {
          this.#again = false;
          this.wake();
        }
      });
  }

  async #drainAll(): Promise<void> {
    for (;;) {
      const created = await dispatchWebhookEvents(this.storage);
      await this.#queue(created);
      if (created.length === 0) break;
    }
    // Orphans are rare (a process died between commit and send): looked for once a grace period.
    if (performance.now() - this.#lastRescue < ORPHAN_GRACE_MS && this.#lastRescue !== 0) return;
    this.#lastRescue = performance.now();
    const orphans = await listUnqueuedDeliveries(this.storage, new Date(this.options.clock.now().getTime() - ORPHAN_GRACE_MS));
    await this.#queue(orphans);
  }

  async #queue(deliveries: readonly NewDelivery[]): Promise<void> {
    const { maxAttempts, retryDelaySeconds, timeoutMs } = this.options;
    for (const delivery of deliveries) {
      await this.storage.jobs.send<DeliveryJob>('webhook-delivery', { deliveryId: delivery.id }, {
        id: delivery.id,
        retryLimit: maxAttempts - 1,
        retryDelay: retryDelaySeconds,
        retryBackoff: true,
        expireInSeconds: Math.ceil(timeoutMs / 1000) + 60,
      });
    }
    await markDeliveriesQueued(this.storage, deliveries.map((d) => d.id));
  }

  /** One attempt of one delivery; answers `'retry'` when pg-boss should try again later (the job's backoff). */
  async deliver(deliveryId: string): Promise<JobOutcome> {
    const work = await beginDeliveryAttempt(this.storage, deliveryId);
    if (!work || (work.status !== 'pending' && work.status !== 'retrying')) return undefined;
    let outcome: SendOutcome;
    if (!work.endpoint.enabled) outcome = { ok: false, status: null, error: 'The endpoint was disabled before delivery' };
    else {
      try {
        outcome = await this.#post(work);
      } catch (error) {
        outcome = { ok: false, status: null, error: toParleyError(error).message };
      }
    }
    const last = !outcome.ok && (work.attempts >= this.options.maxAttempts || !work.endpoint.enabled);
    await finishDeliveryAttempt(this.storage, deliveryId, {
      status: outcome.ok ? 'succeeded' : last ? 'failed' : 'retrying',
      responseStatus: outcome.status,
      error: outcome.ok ? null : outcome.error,
    });
    return !outcome.ok && !last ? 'retry' : undefined;
  }

  async #post(work: DeliveryWork): Promise<SendOutcome> {
    const { event, endpoint } = work;
    const [secret, source] = await Promise.all([
      openWebhookSecret(this.storage, work.workspaceId, endpoint.sealedSecret),
      loadWebhookEventSource(this.storage, { workspaceId: work.workspaceId, flowId: event.flowId, sourceTable: event.sourceTable, sourceId: event.sourceId }, endpoint.includePersonal),
    ]);
    const body = JSON.stringify(webhookPayload({ ...event, workspaceId: work.workspaceId }, source));
    const timestamp = Math.floor(this.options.clock.now().getTime() / 1000);
    return postWebhook({
      url: endpoint.url,
      body,
      timeoutMs: this.options.timeoutMs,
      allowPrivate: this.options.allowPrivate,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Parley-Webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, body),
        'Parley-Delivery': work.id,
        'Parley-Event': event.type,
        'Parley-Attempt': String(work.attempts),
      },
    });
  }
}
