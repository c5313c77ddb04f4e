import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from './database.js';
import type { ApiKeyAccess } from './schema.js';

export type { ApiKeyAccess } from './schema.js';

export interface IssuedApiKey {
  readonly id: string;
  readonly workspaceId: string;
  /** The secret, shown once: only its SHA-256 is stored. */
  readonly key: string;
  readonly prefix: string;
  readonly access: ApiKeyAccess;
  readonly createdAt: Date;
}

export interface ApiKeyPrincipal {
  readonly keyId: string;
  readonly workspaceId: string;
  readonly access: ApiKeyAccess;
}

const KEY_PREFIX = 'pk_';

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Issues a new random API key (256 bits) for a workspace. */
export async function issueApiKey(db: Db, workspaceId: string, name = 'default', access: ApiKeyAccess = 'full'): Promise<IssuedApiKey> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  const prefix = key.slice(0, 10);
  const { created_at: createdAt } = await db.insertInto('api_keys').values({ id, workspace_id: workspaceId, name, key_hash: hashApiKey(key), prefix, access }).returning('created_at').executeTakeFirstOrThrow();
  return { id, workspaceId, key, prefix, access, createdAt };
}

/** The workspace a key belongs to, or undefined for an unknown or revoked key. */
export async function authenticateApiKey(db: Db, key: string): Promise<ApiKeyPrincipal | undefined> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 100) return undefined;
  const row = await db
    .updateTable('api_keys')
    .set({ last_used_at: new Date() })
    .where('key_hash', '=', hashApiKey(key))
    .where('revoked_at', 'is', null)
    .returning(['id', 'workspace_id', 'access'])
    .executeTakeFirst();
  return row ? { keyId: row.id, workspaceId: row.workspace_id, access: row.access } : undefined;
}

/** A key as its workspace's owners see it: never the key or its hash, only the first characters that tell it apart. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  /** `pk_` and the first characters of the key. */
  readonly prefix: string;
  readonly access: ApiKeyAccess;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

/** A workspace's keys, live and revoked, newest first. */
export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeyInfo[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'access', 'created_at', 'last_used_at', 'revoked_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, access: r.access, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
}

/** What revoking did: revoked; no such live key; or (`keepOne`) refused, as the workspace's last live key with full access. */
export type RevokeOutcome = 'revoked' | 'not_found' | 'last_key';

/**
 * Revokes a key of a workspace. With `keepOne`, the workspace's last live key with full access
 * is not revoked (its owners could no longer change anything, nor issue a key): its live keys are
 * locked first, so two revocations at once cannot take the last two.
 */
export async function revokeApiKey(db: Db, workspaceId: string, keyId: string, options: { readonly keepOne?: boolean } = {}): Promise<RevokeOutcome> {
  return db.transaction().execute(async (trx) => {
    const live = await trx.selectFrom('api_keys').select(['id', 'access']).where('workspace_id', '=', workspaceId).where('revoked_at', 'is', null).forUpdate().execute();
    const key = live.find((k) => k.id === keyId);
    if (!key) return 'not_found';
    if (options.keepOne && key.access === 'full' && live.filter((k) => k.access === 'full').length === 1) return 'last_key';
    await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', keyId).execute();
    return 'revoked';
  });
}
