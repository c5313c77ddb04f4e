import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** Random bytes standing in for an export file. */
export function randomFile(size = 3 * 1024 * 1024): Buffer {
  return randomBytes(size);
}

/** Hex SHA-256 of `data`. */
export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A stream of `data` in 64 KiB chunks that then fails with `failure`, when one is given. */
export function streamOf(data: Buffer, failure?: Error): Readable {
  return Readable.from(
    (async function* () {
      yield* chunks(data);
      if (failure) throw failure;
    })(),
    { objectMode: false },
  );
}

/** A stream that delivers the first half of `data`, then fails as an upstream stage would. */
export function failingHalfway(data: Buffer): Readable {
  const half = data.subarray(0, Math.floor(data.length / 2));
  return Readable.from(
    (async function* () {
      yield* chunks(half);
      throw new Error('upstream stage failed');
    })(),
    { objectMode: false },
  );
}

/** A stream of the first half of `data` that then aborts `controller` and waits, as a slow source would. */
export function abortingHalfway(data: Buffer, controller: AbortController): Readable {
  const half = data.subarray(0, Math.floor(data.length / 2));
  return Readable.from(
    (async function* () {
      yield* chunks(half);
      controller.abort();
      yield* chunks(data.subarray(half.length));
    })(),
    { objectMode: false },
  );
}

/** An endless stream of random 64 KiB chunks that aborts `controller` as it yields chunk number `abortAt`. */
export function endlessAborting(controller: AbortController, abortAt: number): Readable {
  return Readable.from(
    (async function* () {
      for (let produced = 1; ; produced += 1) {
        if (produced === abortAt) controller.abort();
        yield randomBytes(65_536);
      }
    })(),
  );
}

function* chunks(data: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < data.length; offset += 65_536) yield data.subarray(offset, offset + 65_536);
}
