import { Transform, type Readable } from 'node:stream';
import type { Destination, UploadMeta, UploadReceipt } from '../destinations/destination.js';
import { sourceFailure } from '../destinations/upload-failure.js';
import { DestinationError } from '../../core/errors.js';

/**
 * Uploads `source` to `destination` under watch, so a run can never hang: the transfer is
 * aborted (through `meta.signal`) as soon as the source fails, or when no byte has moved for
 * `stallMs` (a connection that died without telling the client). The destination then has
 * `stallMs` more to clean up and settle; one that does not is abandoned. `abort` (the run's
 * lease) aborts it the same way. It rejects with the cause — the source's error, a retryable
 * stall or `abort`'s reason — rather than a bare "aborted".
 *
 * @example
 * const receipt = await watchedUpload(destination, body, { fileName: 'leads.csv', contentType: 'text/csv' }, 300_000);
 */
export async function watchedUpload(destination: Destination, source: Readable, meta: Omit<UploadMeta, 'signal'>, stallMs: number, abort?: AbortSignal): Promise<UploadReceipt> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(abort?.reason);
  if (abort?.aborted) onAbort();
  else abort?.addEventListener('abort', onAbort, { once: true });
  let upstream: { error: unknown } | undefined;
  let stalled: DestinationError | undefined;
  const timer = setTimeout(() => {
    const span = stallMs < 1000 ? `${stallMs} ms` : `${Math.round(stallMs / 1000)} s`;
    stalled = new DestinationError(`The transfer stalled: nothing moved for ${span}`, { retryable: true });
    controller.abort(stalled);
  }, stallMs);
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      timer.refresh();
      callback(null, chunk);
    },
  });
  source.once('error', (error: unknown) => {
    upstream ??= { error };
    tap.destroy(error instanceof Error ? error : new Error('source failed'));
    controller.abort(error);
  });
  // A destination that gives up destroys what it reads: stop the stages upstream too.
  tap.once('close', () => {
    if (!source.destroyed) source.destroy();
  });
  source.pipe(tap);
  let grace: NodeJS.Timeout | undefined;
  let settled = false;
  const abandoned = new Promise<never>((_resolve, reject) => {
    const giveUp = () => {
      if (!settled) grace = setTimeout(() => reject(controller.signal.reason), stallMs);
    };
    controller.signal.addEventListener('abort', giveUp, { once: true });
  });
  abandoned.catch(() => undefined);
  const upload = destination.upload(tap, { ...meta, signal: controller.signal });
  try {
    return await Promise.race([upload, abandoned]);
  } catch (error) {
    // An abandoned destination may never read on: release the stages upstream (a database cursor).
    tap.destroy();
    if (abort?.aborted) throw abort.reason;
    if (upstream) throw sourceFailure(upstream.error);
    throw stalled ?? error;
  } finally {
    abort?.removeEventListener('abort', onAbort);
    settled = true;
    clearTimeout(timer);
    clearTimeout(grace);
    upload.catch(() => undefined);
  }
}
