import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Db } from '../database.js';
import { open, seal } from './aes-gcm.js';
import type { MasterKeys } from './master-key.js';
import { GcmOpener } from './gcm-opener.js';
import { ParleyError } from '../../core/errors.js';

/** Opens one sealed JSON value, or (`all`) a batch of them at once, in order (see `GcmOpener.openAll`). */
export interface JsonOpener<T> {
  (sealed: Buffer): T;
  all(sealed: readonly Buffer[]): T[];
}

interface WorkspaceKeys {
  readonly encryption: Buffer;
  readonly lookup: Buffer;
  readonly signing: Buffer;
}

/**
 * Per-workspace data keys, wrapped by the master key (`MasterKeys`: the current one, and while a
 * rotation is under way the previous ones). A data key yields two subkeys (HKDF):
 * one for AES-256-GCM encryption of personal values, one for keyed lookup hashes, one that signs
 * short-lived tokens the workspace hands out (console preview tokens).
 * Destroying a workspace's data key (crypto-shredding) makes its personal values unreadable.
 */
export class Keyring {
  readonly #db: Db;
  readonly masterKeys: MasterKeys;
  readonly #cache: Map<string, WorkspaceKeys>;

  constructor(db: Db, masterKeys: MasterKeys, cache: Map<string, WorkspaceKeys> = new Map()) {
    this.#db = db;
    this.masterKeys = masterKeys;
    this.#cache = cache;
  }

  /**
   * The same keyring (shared cache) loading keys through `db`: inside a transaction, keys are
   * read on the transaction's own connection, so a busy pool can never deadlock a turn.
   */
  forDb(db: Db): Keyring {
    return db === this.#db ? this : new Keyring(db, this.masterKeys, this.#cache);
  }

  /** Creates the data key of a new workspace (inside the caller's transaction when given). */
  async createKey(workspaceId: string, db: Db = this.#db): Promise<void> {
    const dataKey = randomBytes(32);
    await db
      .insertInto('workspace_data_keys')
      .values({ workspace_id: workspaceId, wrapped_key: this.masterKeys.wrap(workspaceId, dataKey), master_key_id: this.masterKeys.currentId, destroyed_at: null })
      .execute();
  }

  /** Crypto-shredding: the wrapped key is erased; nothing encrypted under it can be read again. */
  async destroyKey(workspaceId: string): Promise<void> {
    await this.#db
      .updateTable('workspace_data_keys')
      .set({ wrapped_key: null, master_key_id: null, destroyed_at: new Date() })
      .where('workspace_id', '=', workspaceId)
      .execute();
    this.#cache.delete(workspaceId);
  }

  /** Encrypts a JSON-serializable value for one workspace. */
  async encryptJson(workspaceId: string, value: unknown): Promise<Buffer> {
    const keys = await this.#keys(workspaceId);
    return seal(keys.encryption, Buffer.from(JSON.stringify(value), 'utf8'), workspaceId);
  }

  /** Decrypts what `encryptJson` produced; `data_key_destroyed` after crypto-shredding. */
  async decryptJson<T = unknown>(workspaceId: string, sealed: Buffer): Promise<T> {
    const keys = await this.#keys(workspaceId);
    return JSON.parse(open(keys.encryption, sealed, workspaceId).toString('utf8')) as T;
  }

  /**
   * A synchronous decryptor of one workspace's JSON values (its key loaded once, its cipher kept:
   * `GcmOpener`), for readers that open many values in a row; same failures as `decryptJson`.
   */
  async jsonOpener<T = unknown>(workspaceId: string): Promise<JsonOpener<T>> {
    const { encryption } = await this.#keys(workspaceId);
    const opener = new GcmOpener(encryption, Buffer.from(workspaceId, 'utf8'));
    const parse = (plaintext: Buffer) => JSON.parse(plaintext.toString('utf8')) as T;
    return Object.assign((sealed: Buffer) => parse(opener.open(sealed)), { all: (sealed: readonly Buffer[]) => opener.openAll(sealed).map(parse) });
  }

  /** Encrypts bytes (a file) for one workspace, bound to `context` (what they belong to) as well. */
  async encryptBytes(workspaceId: string, value: Uint8Array, context: string): Promise<Buffer> {
    const keys = await this.#keys(workspaceId);
    return seal(keys.encryption, Buffer.from(value.buffer, value.byteOffset, value.byteLength), `${workspaceId}|${context}`);
  }

  /** Decrypts what `encryptBytes` produced with the same context; `data_key_destroyed` after crypto-shredding. */
  async decryptBytes(workspaceId: string, sealed: Buffer, context: string): Promise<Buffer> {
    const keys = await this.#keys(workspaceId);
    return open(keys.encryption, sealed, `${workspaceId}|${context}`);
  }

  /** Keyed hash of an already-normalized value, for equality lookups without the plaintext. */
  async lookupHash(workspaceId: string, normalized: string): Promise<Buffer> {
    const keys = await this.#keys(workspaceId);
    return createHmac('sha256', keys.lookup).update(normalized, 'utf8').digest();
  }

  /** HMAC-SHA256 of `text` under the workspace's signing subkey (never the lookup key's values). */
  async sign(workspaceId: string, text: string): Promise<Buffer> {
    const keys = await this.#keys(workspaceId);
    return createHmac('sha256', keys.signing).update(text, 'utf8').digest();
  }

  /** Forgets cached keys (after a key was destroyed by another process, for instance). */
  forget(workspaceId?: string): void {
    if (workspaceId === undefined) this.#cache.clear();
    else this.#cache.delete(workspaceId);
  }

  async #keys(workspaceId: string): Promise<WorkspaceKeys> {
    const cached = this.#cache.get(workspaceId);
    if (cached) return cached;
    const row = await this.#db
      .selectFrom('workspace_data_keys')
      .select(['wrapped_key', 'master_key_id'])
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    if (!row) throw new ParleyError('not_found', 'Workspace has no data key');
    if (!row.wrapped_key) throw new ParleyError('data_key_destroyed', "The workspace's data key was destroyed; its personal data cannot be read");
    const { dataKey } = this.masterKeys.unwrap(workspaceId, row.wrapped_key, row.master_key_id);
    const keys: WorkspaceKeys = {
      encryption: Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'parley/encryption', 32)),
      lookup: Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'parley/lookup', 32)),
      signing: Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'parley/signing', 32)),
    };
    this.#cache.set(workspaceId, keys);
    return keys;
  }
}
