import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** A pass-through stream that counts bytes and computes their SHA-256 on the way. */
export class DigestStream extends Transform {
  readonly #hash = createHash('sha256');
  #bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    callback(null, chunk);
  }

  /** Byte count so far (final once the stream has ended). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Hex SHA-256; call once, after the stream has ended. */
  digest(): string {
    return this.#hash.digest('hex');
  }
}
