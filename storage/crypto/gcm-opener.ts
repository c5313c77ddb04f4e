import { createCipheriv, type Cipher } from 'node:crypto';
import { ParleyError } from '../../core/errors.js';
import { IV_BYTES, openWithContext, TAG_BYTES, VERSION } from './aes-gcm.js';

/** Ciphertexts up to this many 16-byte blocks are opened here; longer ones by `openWithContext`. */
const MAX_BLOCKS = 64;
/** Counter blocks per call to the block cipher, at most (and one value's beyond). */
const STREAM_BLOCKS = 2048;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

/** The reduction of GHASH's 4-bit steps (NIST SP 800-38D's R, shifted), as the top word's XOR. */
const REDUCE = Uint32Array.from([0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0, 0xe100, 0xfd20, 0xd940, 0xc560, 0x9180, 0x8da0, 0xa9c0, 0xb5e0], (r) => (r << 16) >>> 0);

function failed(): ParleyError {
  return new ParleyError('decryption_failed', 'Encrypted value could not be decrypted');
}

/**
 * Opens many values that `seal` (aes-gcm.ts) sealed under one key and one context, as an export
 * reads them: the same AES-256-GCM, computed from parts that are kept between values. Hand-written
 * for a measured hot path: one `createDecipheriv` per value (its key schedule, its context) cost
 * about 3.5 µs on the 2-core machine, most of an export's decryption and a third of its CPU.
 *
 * - The block cipher is one AES-256-ECB cipher of Node's (OpenSSL, AES-NI), created once: the
 *   counter blocks (GCM's J0, J0+1, …) of a whole batch of values (`openAll`) go through it in
 *   one call, which gives each value's tag mask and keystream (NIST SP 800-38D, 7.2, 96-bit IV).
 * - GHASH is computed here with Shoup's 4-bit tables of the hash key H = E(0¹²⁸) (the method of
 *   mbed TLS's and OpenSSL's portable code), on 32-bit words; the context's blocks are hashed
 *   once, and each value starts from that state.
 * - The tag is compared in constant time (the XORs of the four words, ORed) and checked before
 *   any plaintext is computed; a value in another format, a wrong key or context, or a changed
 *   byte fails with `decryption_failed`, as `openWithContext` does.
 * The table lookups depend on H, so their timing is not constant (as with those portable
 * implementations): this opens values in the process that reads them for an owner, never on
 * input an outsider can time. Sealing stays with Node's GCM. Tests check every result against
 * Node's own AES-256-GCM, and every changed byte of a value.
 */
export class GcmOpener {
  readonly #ecb: Cipher;
  /** `#table[4n..4n+3]`: n·H for every 4-bit n, most significant word first. */
  readonly #table = new Uint32Array(64);
  /** GHASH of the context (the additional authenticated data), zero-padded to its blocks. */
  readonly #afterContext = new Uint32Array(4);
  readonly #contextBits: number;
  #counters = Buffer.alloc(16 * (MAX_BLOCKS + 1));
  readonly #tail = Buffer.alloc(16);
  #z0 = 0;
  #z1 = 0;
  #z2 = 0;
  #z3 = 0;

  constructor(
    private readonly key: Buffer,
    private readonly context: Buffer,
  ) {
    this.#ecb = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    this.#fillTable(this.#ecb.update(Buffer.alloc(16)));
    for (let at = 0; at < context.length; at += 16) this.#absorb(context, at);
    this.#afterContext.set([this.#z0, this.#z1, this.#z2, this.#z3]);
    this.#contextBits = context.length * 8;
  }

  /** Opens one value (see the class). */
  open(sealed: Buffer): Buffer {
    return this.openAll([sealed])[0]!;
  }

  /**
   * Opens `values` in order, their counter blocks through the block cipher together (one call per
   * `STREAM_BLOCKS`: a call costs about 1.3 µs, the blocks of a value about 0.05). Throws the first
   * failure; then nothing is returned.
   */
  openAll(values: readonly Buffer[]): Buffer[] {
    const opened = new Array<Buffer>(values.length);
    let first = 0;
    while (first < values.length) {
      let blocks = 0;
      let end = first;
      for (; end < values.length && blocks < STREAM_BLOCKS; end += 1) blocks += this.#counterBlocks(values[end]!);
      const counters = this.#counters.length >= 16 * blocks ? this.#counters : (this.#counters = Buffer.alloc(16 * blocks));
      let at = 0;
      for (let i = first; i < end; i += 1) at = this.#fillCounters(values[i]!, counters, at);
      const stream = this.#ecb.update(counters.subarray(0, 16 * blocks));
      at = 0;
      for (let i = first; i < end; i += 1) {
        const value = values[i]!;
        const valueBlocks = this.#counterBlocks(value);
        if (valueBlocks === 0) {
          opened[i] = openWithContext(this.key, value, this.context);
          continue;
        }
        opened[i] = this.#openWith(value, stream, at);
        at += 16 * valueBlocks;
      }
      first = end;
    }
    return opened;
  }

  /** The blocks of `sealed`'s keystream and tag mask (J0 and one per ciphertext block); 0 for a value Node opens. */
  #counterBlocks(sealed: Buffer): number {
    if (sealed.length < HEADER_BYTES || sealed[0] !== VERSION) throw new ParleyError('decryption_failed', 'Encrypted value has an unknown format');
    const blocks = Math.ceil((sealed.length - HEADER_BYTES) / 16);
    return blocks > MAX_BLOCKS ? 0 : blocks + 1;
  }

  /** Writes `sealed`'s counter blocks (its IV, then 1, 2, …) into `counters` from block `at`; returns the next block. */
  #fillCounters(sealed: Buffer, counters: Buffer, at: number): number {
    const blocks = this.#counterBlocks(sealed);
    for (let n = 0; n < blocks; n += 1) {
      sealed.copy(counters, 16 * (at + n), 1, 1 + IV_BYTES);
      counters.writeUInt32BE(n + 1, 16 * (at + n) + 12);
    }
    return at + blocks;
  }

  /** Checks `sealed`'s tag and opens it with its keystream, which starts at byte `at` of `stream`. */
  #openWith(sealed: Buffer, stream: Buffer, at: number): Buffer {
    const length = sealed.length - HEADER_BYTES;
    const body = sealed.subarray(HEADER_BYTES);
    [this.#z0, this.#z1, this.#z2, this.#z3] = this.#afterContext;
    for (let from = 0; from < length; from += 16) this.#absorb(body, from);
    const bits = length * 8;
    this.#multiply(this.#z0 ^ Math.floor(this.#contextBits / 2 ** 32), this.#z1 ^ this.#contextBits, this.#z2 ^ Math.floor(bits / 2 ** 32), this.#z3 ^ bits);
    const tag = 1 + IV_BYTES;
    const mismatch =
      (this.#z0 ^ stream.readInt32BE(at) ^ sealed.readInt32BE(tag)) |
      (this.#z1 ^ stream.readInt32BE(at + 4) ^ sealed.readInt32BE(tag + 4)) |
      (this.#z2 ^ stream.readInt32BE(at + 8) ^ sealed.readInt32BE(tag + 8)) |
      (this.#z3 ^ stream.readInt32BE(at + 12) ^ sealed.readInt32BE(tag + 12));
    if (mismatch !== 0) throw failed();
    const plaintext = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i += 1) plaintext[i] = body[i]! ^ stream[at + 16 + i]!;
    return plaintext;
  }

  /** Z ← (Z ⊕ block) · H for the 16 bytes of `data` from `at` (zero-padded past its end). */
  #absorb(data: Buffer, at: number): void {
    let block = data;
    let from = at;
    if (at + 16 > data.length) {
      block = this.#tail.fill(0);
      data.copy(block, 0, at);
      from = 0;
    }
    this.#multiply(this.#z0 ^ block.readInt32BE(from), this.#z1 ^ block.readInt32BE(from + 4), this.#z2 ^ block.readInt32BE(from + 8), this.#z3 ^ block.readInt32BE(from + 12));
  }

  /**
   * Z ← X · H in GF(2¹²⁸), X given as four words (most significant first): its 32 nibbles from
   * the last byte to the first, the low one of a byte first, each step shifting Z by 4 bits
   * (reduced) and adding that nibble's multiple of H.
   */
  #multiply(x0: number, x1: number, x2: number, x3: number): void {
    const t = this.#table;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    for (let k = 0; k < 32; k += 1) {
      const word = k < 8 ? x3 : k < 16 ? x2 : k < 24 ? x1 : x0;
      const byte = (word >>> (8 * ((k >> 1) & 3))) & 0xff;
      const n = (k & 1 ? byte >>> 4 : byte & 0xf) << 2;
      if (k > 0) {
        const rem = z3 & 0xf;
        z3 = (z3 >>> 4) | (z2 << 28);
        z2 = (z2 >>> 4) | (z1 << 28);
        z1 = (z1 >>> 4) | (z0 << 28);
        z0 = (z0 >>> 4) ^ REDUCE[rem]!;
      }
      z0 ^= t[n]!;
      z1 ^= t[n + 1]!;
      z2 ^= t[n + 2]!;
      z3 ^= t[n + 3]!;
    }
    this.#z0 = z0;
    this.#z1 = z1;
    this.#z2 = z2;
    this.#z3 = z3;
  }

  /** n·H for n = 8, 4, 2, 1 (H halved in GCM's bit order), then every sum of them. */
  #fillTable(hashKey: Buffer): void {
    const t = this.#table;
    let v0 = hashKey.readUInt32BE(0);
    let v1 = hashKey.readUInt32BE(4);
    let v2 = hashKey.readUInt32BE(8);
    let v3 = hashKey.readUInt32BE(12);
    t.set([v0, v1, v2, v3], 4 * 8);
    for (let n = 4; n > 0; n >>= 1) {
      const carry = v3 & 1;
      v3 = (v3 >>> 1) | (v2 << 31);
      v2 = (v2 >>> 1) | (v1 << 31);
      v1 = (v1 >>> 1) | (v0 << 31);
      v0 = (v0 >>> 1) ^ (carry ? 0xe1000000 : 0);
      t.set([v0, v1, v2, v3], 4 * n);
    }
    for (let n = 2; n <= 8; n *= 2) for (let m = 1; m < n; m += 1) for (let k = 0; k < 4; k += 1) t[4 * (n + m) + k] = t[4 * n + k]! ^ t[4 * m + k]!;
  }
}
