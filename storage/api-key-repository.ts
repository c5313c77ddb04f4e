import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from './database.js';

export interface IssuedApiKey {
  readonly id: string;
  readonly workspaceId: string;
  /** The secret, shown once: only its SHA-256 is stored. */
  readonly key: string;
  readonly prefix: string;
}

export interface ApiKeyPrincipal {
  readonly keyId: string;
  readonly workspaceId: string;
}

const KEY_PREFIX = 'pk_';

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Issues a new random API key (256 bits) for a workspace. */
export async function issueApiKey(db: Db, workspaceId: string, name = 'default'): Promise<IssuedApiKey> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  const prefix = key.slice(0, 10);
  await db.insertInto('api_keys').values({ id, workspace_id: workspaceId, name, key_hash: hashApiKey(key), prefix }).execute();
  return { id, workspaceId, key, prefix };
}

/** The workspace a key belongs to, or undefined for an unknown or revoked key. */
export async function authenticateApiKey(db: Db, key: string): Promise<ApiKeyPrincipal | undefined> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 100) return undefined;
  const row = await db
    .updateTable('api_keys')
    .set({ last_used_at: new Date() })
    .where('key_hash', '=', hashApiKey(key))
    .where('revoked_at', 'is', null)
    .returning(['id', 'workspace_id'])
    .executeTakeFirst();
  return row ? { keyId: row.id, workspaceId: row.workspace_id } : undefined;
}

/** Revokes a key of a workspace. Returns false when no such live key exists. */
export async function revokeApiKey(db: Db, workspaceId: string, keyId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', keyId)
    .where('workspace_id', '=', workspaceId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
