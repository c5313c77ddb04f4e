import type { Readable } from 'node:stream';
import { DestinationError, ParleyError } from '../../core/errors.js';
import { abortedError } from './abort-race.js';

/** Remembers the first error `source` emits, so a failed upload can tell an upstream failure from its own. */
export function trackSourceError(source: Readable): () => unknown {
  let first: unknown;
  source.once('error', (error: unknown) => {
    first ??= error ?? new Error('source failed');
  });
  return () => first;
}

/** What is known about a failed upload when deciding which error to report. */
export interface FailureContext {
  /** The first error the source stream emitted, if any. */
  readonly sourceError: unknown;
  readonly signal?: AbortSignal | undefined;
  /** Maps a failure of the destination itself to a DestinationError (retryable or not). */
  readonly toDestinationError: (error: unknown) => DestinationError;
}

/** The error an upload reports when its data failed upstream (render, GPG): ours as is, anything else as retryable. */
export function sourceFailure(sourceError: unknown): ParleyError {
  if (sourceError instanceof ParleyError) return sourceError;
  return new DestinationError('The data to upload failed before it was complete', { retryable: true, cause: sourceError });
}

/**
 * The error an upload reports: the abort when the caller aborted, the upstream error (as is when
 * it is already a ParleyError) when the source failed, otherwise the destination's own failure.
 */
export function uploadFailure(error: unknown, context: FailureContext): ParleyError {
  if (context.signal?.aborted) return abortedError(context.signal);
  if (error instanceof DestinationError) return error;
  if (context.sourceError !== undefined) return sourceFailure(context.sourceError);
  return context.toDestinationError(error);
}
