import { DestinationError } from '../../core/errors.js';

/** The error an upload or test ends with when its caller aborts it. */
export function abortedError(signal: AbortSignal): DestinationError {
  return new DestinationError('The transfer was aborted', { retryable: true, cause: signal.reason });
}

/**
 * Settles like `promise`, or rejects with `abortedError` as soon as `signal` aborts (then calls
 * `onAbort`, e.g. to close the connection the promise waits on).
 */
export async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort?: () => void): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    onAbort?.();
    throw abortedError(signal);
  }
  let listener: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    listener = () => {
      onAbort?.();
      reject(abortedError(signal));
    };
    signal.addEventListener('abort', listener, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    promise.catch(() => undefined);
    if (listener) signal.removeEventListener('abort', listener);
  }
}
