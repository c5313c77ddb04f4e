import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './database.js';
import type { ApiKeyAccess } from './schema.js';
import type { ApiScope } from '../core/api-scopes.js';

export type { ApiKeyAccess } from './schema.js';

export interface IssuedApiKey {
  readonly id: string;
  readonly workspaceId: string;
  /** The secret, shown once: only its SHA-256 is stored. */
  readonly key: string;
  readonly prefix: string;
  readonly access: ApiKeyAccess;
  readonly scopes: readonly ApiScope[] | null;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
}

export interface ApiKeyPrincipal {
  readonly keyId: string;
  readonly workspaceId: string;
  readonly access: ApiKeyAccess;
  /** The parts of the API the key may call; null: the whole API. */
  readonly scopes: readonly ApiScope[] | null;
}

/** How a key is issued: its name, access, parts of the API (all when absent) and days until it expires (never when absent). */
export interface ApiKeyOptions {
  readonly name?: string;
  readonly access?: ApiKeyAccess;
  readonly scopes?: readonly ApiScope[];
  readonly expiresInDays?: number;
}

const KEY_PREFIX = 'pk_';

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * Issues a new random API key (256 bits) for a workspace; with `expiresInDays`, refused from that
 * many days on (counted by the database's clock, as the refusal is).
 */
export async function issueApiKey(db: Db, workspaceId: string, options: ApiKeyOptions = {}): Promise<IssuedApiKey> {
  const { name = 'default', access = 'full', expiresInDays } = options;
  const scopes = options.scopes ? [...new Set(options.scopes)] : null;
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  const prefix = key.slice(0, 10);
  const expires = expiresInDays === undefined ? null : sql<Date>`now() + make_interval(days => ${expiresInDays})`;
  const row = await db
    .insertInto('api_keys')
    .values({ id, workspace_id: workspaceId, name, key_hash: hashApiKey(key), prefix, access, expires_at: expires, scopes })
    .returning(['created_at', 'expires_at'])
    .executeTakeFirstOrThrow();
  return { id, workspaceId, key, prefix, access, scopes, createdAt: row.created_at, expiresAt: row.expires_at };
}

/** A key past its expiry, by the database's clock. */
const EXPIRED = sql<boolean>`(expires_at is not null and expires_at <= now())`;

/**
 * The workspace a key belongs to; `expired` for a key past its expiry (it is refused, but its
 * holder may be told why); undefined for an unknown or revoked key. A key that works is marked
 * used.
 */
export async function authenticateApiKey(db: Db, key: string): Promise<ApiKeyPrincipal | 'expired' | undefined> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 100) return undefined;
  const row = await db
    .updateTable('api_keys')
    .set({ last_used_at: sql`case when ${EXPIRED} then last_used_at else now() end` })
    .where('key_hash', '=', hashApiKey(key))
    .where('revoked_at', 'is', null)
    .returning(['id', 'workspace_id', 'access', 'scopes', EXPIRED.as('expired')])
    .executeTakeFirst();
  if (!row) return undefined;
  return row.expired ? 'expired' : { keyId: row.id, workspaceId: row.workspace_id, access: row.access, scopes: row.scopes as ApiScope[] | null };
}

/** A key as its workspace's owners see it: never the key or its hash, only the first characters that tell it apart. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  /** `pk_` and the first characters of the key. */
  readonly prefix: string;
  readonly access: ApiKeyAccess;
  /** The parts of the API it may call; null: the whole API. */
  readonly scopes: readonly ApiScope[] | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
  readonly expiresAt: Date | null;
  /** Past its expiry, by the database's clock. */
  readonly expired: boolean;
}

const KEY_INFO = ['id', 'name', 'prefix', 'access', 'scopes', 'created_at', 'last_used_at', 'revoked_at', 'expires_at', EXPIRED.as('expired')] as const;

function keyInfo(db: Db, workspaceId: string) {
  return db.selectFrom('api_keys').select(KEY_INFO).where('workspace_id', '=', workspaceId);
}

function toKeyInfo(r: Awaited<ReturnType<ReturnType<typeof keyInfo>['executeTakeFirstOrThrow']>>): ApiKeyInfo {
  return { id: r.id, name: r.name, prefix: r.prefix, access: r.access, scopes: r.scopes as ApiScope[] | null, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at, expiresAt: r.expires_at, expired: r.expired };
}

/** A workspace's keys, live and revoked, newest first. */
export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeyInfo[]> {
  const rows = await keyInfo(db, workspaceId).orderBy('created_at', 'desc').orderBy('id').execute();
  return rows.map(toKeyInfo);
}

/** One key of the workspace, revoked or not; undefined when it has no such key. */
export async function getApiKey(db: Db, workspaceId: string, keyId: string): Promise<ApiKeyInfo | undefined> {
  const row = await keyInfo(db, workspaceId).where('id', '=', keyId).executeTakeFirst();
  return row && toKeyInfo(row);
}

/** What revoking did: revoked; no such key unrevoked; or (`keepOne`) refused, as the workspace's last working key with full access to the whole API. */
export type RevokeOutcome = 'revoked' | 'not_found' | 'last_key';

/**
 * Revokes a key of a workspace. With `keepOne`, the workspace's last working key (not revoked,
 * not expired) with full access to the whole API is not revoked (its owners could no longer
 * change everything, nor issue a key): its keys are locked first, so two revocations at once cannot take the last two.
 */
export async function revokeApiKey(db: Db, workspaceId: string, keyId: string, options: { readonly keepOne?: boolean } = {}): Promise<RevokeOutcome> {
  return db.transaction().execute(async (trx) => {
    const keys = await trx.selectFrom('api_keys').select(['id', 'access', 'scopes', EXPIRED.as('expired')]).where('workspace_id', '=', workspaceId).where('revoked_at', 'is', null).forUpdate().execute();
    const key = keys.find((k) => k.id === keyId);
    if (!key) return 'not_found';
    // An expired key may always be revoked (it works no more); the last working key with full access to the whole API is kept.
    const master = (k: (typeof keys)[number]) => k.access === 'full' && k.scopes === null && !k.expired;
    if (options.keepOne && master(key) && keys.filter(master).length === 1) return 'last_key';
    await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', keyId).execute();
    return 'revoked';
  });
}
