import { createHmac, randomBytes } from 'node:crypto';
import { ConfigError, ParleyError } from '../../core/errors.js';
import { open, seal } from './aes-gcm.js';

/** Parses a 32-byte master key given as 64 hex digits or base64. */
export function parseMasterKey(text: string, path = 'PARLEY_MASTER_KEY'): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new ConfigError('Master key must be 32 bytes, as 64 hex digits or base64', path);
  return key;
}

/** A fresh master key, as 64 hex digits. */
export function generateMasterKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * A master key's id: 16 hex digits of an HMAC the key makes of a fixed label, so a wrapped data
 * key can say which master key wraps it without revealing anything of that key.
 */
export function masterKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('parley/master-key-id', 'utf8').digest('hex').slice(0, 16);
}

/** A data key opened from its wrapping, and the id of the master key that opened it. */
export interface UnwrappedKey {
  readonly dataKey: Buffer;
  readonly masterKeyId: string;
}

/**
 * The master keys of a process: the current one (`PARLEY_MASTER_KEY`), which wraps every data key
 * it writes, and previous ones (`PARLEY_PREVIOUS_MASTER_KEYS`), which only open data keys still
 * wrapped by them while a rotation is under way (`parley master-key rewrap` wraps those again).
 */
export class MasterKeys {
  readonly currentId: string;
  readonly #current: Buffer;
  readonly #byId: ReadonlyMap<string, Buffer>;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.#current = current;
    this.currentId = masterKeyId(current);
    this.#byId = new Map([current, ...previous].map((key) => [masterKeyId(key), key] as const));
  }

  /** Parses the keys as given in the environment (the previous ones separated by commas or spaces). */
  static parse(current: string, previous: readonly string[] = []): MasterKeys {
    return new MasterKeys(parseMasterKey(current), previous.map((text) => parseMasterKey(text, 'PARLEY_PREVIOUS_MASTER_KEYS')));
  }

  /** The ids of the keys this process has, the current one first. */
  get ids(): readonly string[] {
    return [this.currentId, ...[...this.#byId.keys()].filter((id) => id !== this.currentId)];
  }

  /** Wraps a workspace's data key with the current master key. */
  wrap(workspaceId: string, dataKey: Buffer): Buffer {
    return seal(this.#current, dataKey, context(workspaceId));
  }

  /**
   * Opens a workspace's wrapped data key with the master key that `wrappedBy` names, or (a key
   * wrapped before keys had ids: null) with whichever of this process's keys opens it.
   */
  unwrap(workspaceId: string, wrapped: Buffer, wrappedBy: string | null): UnwrappedKey {
    if (wrappedBy !== null) {
      const key = this.#byId.get(wrappedBy);
      if (!key) {
        throw new ParleyError('decryption_failed', `The workspace's data key is wrapped by master key ${wrappedBy}, which is neither PARLEY_MASTER_KEY nor one of PARLEY_PREVIOUS_MASTER_KEYS`);
      }
      return { dataKey: open(key, wrapped, context(workspaceId)), masterKeyId: wrappedBy };
    }
    for (const id of this.ids) {
      try {
        return { dataKey: open(this.#byId.get(id)!, wrapped, context(workspaceId)), masterKeyId: id };
      } catch {
        // Not this key: try the next one.
      }
    }
    throw new ParleyError('decryption_failed', "The workspace's data key opens with neither PARLEY_MASTER_KEY nor any of PARLEY_PREVIOUS_MASTER_KEYS");
  }
}

const context = (workspaceId: string) => `dek:${workspaceId}`;
