import { Readable } from 'node:stream';
import type { DestinationError } from '../../core/errors.js';
import type { UploadMeta, UploadReceipt } from './destination.js';
import { DigestStream } from './digest-stream.js';
import { checkFileName } from './temporary-name.js';
import { trackSourceError, uploadFailure } from './upload-failure.js';

/** What every destination operation tells the wrapper: how it cleans up and how its own failures read. */
interface GuardedSteps {
  /** After a failure: removes what the attempt left (a temporary file, a resumable session); never throws. */
  discard?(): Promise<void>;
  /** At the end, failed or not: closes the connection. */
  close?(): Promise<void> | void;
  /** Maps a failure of the destination itself (not an abort, not the source) to a DestinationError. */
  toDestinationError(error: unknown): DestinationError;
}

/** One destination's side of an upload, run inside `guardedUpload`. */
export interface UploadSteps extends GuardedSteps {
  /**
   * Streams `source` through `digest` to the destination, commits it (calling `meta.beforeCommit`
   * right before) and returns where the file now is, for people (no credentials).
   */
  transfer(source: Readable, digest: DigestStream): Promise<string>;
}

/** One destination's side of a connectivity check, run inside `guardedCheck`. */
export interface CheckSteps extends GuardedSteps {
  /** Writes and removes a probe, without exporting any data. */
  probe(): Promise<void>;
}

/**
 * The upload every destination shares: the file name is checked, the bytes are counted and
 * hashed on their way, and a failure destroys the source, removes what was left and is reported
 * as one error — the abort when the caller aborted, the source's own failure when it failed
 * upstream, else the destination's (retryable or not).
 *
 * @example
 * upload: (source, meta) => guardedUpload(source, meta, {
 *   transfer: async (input, digest) => { await pipeline(input, digest, sink); return location; },
 *   toDestinationError: toLocalError,
 * }),
 */
export async function guardedUpload(source: Readable, meta: UploadMeta, steps: UploadSteps): Promise<UploadReceipt> {
  const sourceError = trackSourceError(source);
  const input = readerOf(source);
  const digest = new DigestStream();
  try {
    checkFileName(meta.fileName);
    meta.signal?.throwIfAborted();
    const location = await steps.transfer(input, digest);
    return { location, bytes: digest.bytes, sha256: digest.digest() };
  } catch (error) {
    // Read before destroying anything, so only what the source itself emitted counts as its failure.
    const upstream = sourceError();
    digest.destroy();
    input.destroy();
    source.destroy();
    await steps.discard?.();
    throw uploadFailure(error, { sourceError: upstream, signal: meta.signal, toDestinationError: (cause) => steps.toDestinationError(cause) });
  } finally {
    await steps.close?.();
  }
}

/**
 * What the destination reads: `source` through a stage of its own, pulled only as the destination
 * reads it. A destination that fails mid-stream has `stream.pipeline` destroy what it reads with
 * its own error; that must not reach `source`, where it would read as a failure of the data. The
 * source's own errors still flow down to the destination.
 */
function readerOf(source: Readable): Readable {
  const input = new Readable({ read: () => void source.resume() });
  // Its errors are the source's (tracked above) or the destination's (which fail the transfer).
  input.on('error', () => undefined);
  source.pause();
  source.on('data', (chunk: Buffer) => {
    if (!input.push(chunk)) source.pause();
  });
  source.once('end', () => input.push(null));
  source.once('error', (error: Error) => input.destroy(error));
  return input;
}

/** The destination check every destination with a probe file shares: failures read as an upload's would. */
export async function guardedCheck(signal: AbortSignal | undefined, steps: CheckSteps): Promise<void> {
  try {
    signal?.throwIfAborted();
    await steps.probe();
  } catch (error) {
    await steps.discard?.();
    throw uploadFailure(error, { sourceError: undefined, signal, toDestinationError: (cause) => steps.toDestinationError(cause) });
  } finally {
    await steps.close?.();
  }
}
