import type { Readable } from 'node:stream';

/** A chunk of a byte stream as bytes (object-mode sources may yield strings). */
function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError('The stream to encrypt must yield bytes or strings');
}

/**
 * A Web ReadableStream that reads `source` only when its reader asks (no read-ahead beyond one
 * chunk), errors with the source's own error, and destroys the source when cancelled.
 * Used instead of `Readable.toWeb`, which on Node 20 keeps pushing into a cancelled stream and
 * throws "Controller is already closed" outside any promise.
 */
export function toPullWebStream(source: Readable): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(toBytes(next.value));
    },
    async cancel() {
      source.destroy();
      await chunks.return?.();
    },
  });
}
