import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { MasterKeys } from './master-key.js';
import { ParleyError } from '../../core/errors.js';

/** Workspaces read per statement while rewrapping or counting. */
const BATCH = 500;

/** What the master keys wrap: live data keys per master key id (null: wrapped before keys had ids), and destroyed ones. */
export interface MasterKeyStatus {
  /** Live data keys by the id of the master key that wraps them; `unknown` when none of the process's keys opens them. */
  readonly wrappedBy: ReadonlyMap<string, number>;
  readonly destroyed: number;
}

/** What a rewrap did: keys wrapped again with the current master key, those it already wrapped, and workspaces whose key none of the process's keys opens. */
export interface RewrapResult {
  readonly rewrapped: number;
  readonly current: number;
  readonly unopened: readonly string[];
}

interface WrappedRow {
  readonly workspace_id: string;
  readonly wrapped_key: Buffer;
  readonly master_key_id: string | null;
}

/** Live wrapped keys after `after` (workspace id order), a batch at a time; `stale` only those the current key does not wrap. */
async function nextBatch(db: Db, keys: MasterKeys, after: string | null, stale: boolean): Promise<WrappedRow[]> {
  const { rows } = await sql<WrappedRow>`
    select workspace_id, wrapped_key, master_key_id from workspace_data_keys
    where wrapped_key is not null
      ${after === null ? sql`` : sql`and workspace_id > ${after}`}
      ${stale ? sql`and master_key_id is distinct from ${keys.currentId}` : sql``}
    order by workspace_id limit ${BATCH}`.execute(db);
  return rows;
}

async function* wrappedKeys(db: Db, keys: MasterKeys, stale: boolean): AsyncGenerator<WrappedRow> {
  let after: string | null = null;
  for (;;) {
    const rows = await nextBatch(db, keys, after, stale);
    yield* rows;
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1]!.workspace_id;
  }
}

/** The master key that wraps a row: its recorded id, else whichever of the process's keys opens it; undefined when none does. */
function wrapperOf(keys: MasterKeys, row: WrappedRow): string | undefined {
  if (row.master_key_id !== null) return row.master_key_id;
  try {
    return keys.unwrap(row.workspace_id, row.wrapped_key, null).masterKeyId;
  } catch (error) {
    if (error instanceof ParleyError && error.code === 'decryption_failed') return undefined;
    throw error;
  }
}

/** Counts the live data keys each master key wraps (opening those wrapped before keys had ids to tell), and the destroyed ones. */
export async function masterKeyStatus(db: Db, keys: MasterKeys): Promise<MasterKeyStatus> {
  const wrappedBy = new Map<string, number>();
  for await (const row of wrappedKeys(db, keys, false)) {
    const id = wrapperOf(keys, row) ?? 'unknown';
    wrappedBy.set(id, (wrappedBy.get(id) ?? 0) + 1);
  }
  const destroyed = await db.selectFrom('workspace_data_keys').select((eb) => eb.fn.countAll<string>().as('n')).where('wrapped_key', 'is', null).executeTakeFirstOrThrow();
  return { wrappedBy, destroyed: Number(destroyed.n) };
}

/**
 * Wraps every live data key that the current master key does not wrap yet again with it (the data
 * keys themselves, and so everything they encrypt, stay as they are). Each key is replaced only
 * if it is still the wrapping that was read, so a key destroyed meanwhile stays destroyed; a key
 * that none of the process's keys opens is left as it is and reported. Safe to run again, and
 * alongside servers that have the current key (whatever previous keys they have).
 */
export async function rewrapDataKeys(db: Db, keys: MasterKeys): Promise<RewrapResult> {
  let rewrapped = 0;
  const unopened: string[] = [];
  for await (const row of wrappedKeys(db, keys, true)) {
    let dataKey: Buffer;
    try {
      ({ dataKey } = keys.unwrap(row.workspace_id, row.wrapped_key, row.master_key_id));
    } catch (error) {
      if (error instanceof ParleyError && error.code === 'decryption_failed') {
        unopened.push(row.workspace_id);
        continue;
      }
      throw error;
    }
    const result = await db
      .updateTable('workspace_data_keys')
      .set({ wrapped_key: keys.wrap(row.workspace_id, dataKey), master_key_id: keys.currentId })
      .where('workspace_id', '=', row.workspace_id)
      .where('wrapped_key', '=', row.wrapped_key)
      .executeTakeFirst();
    rewrapped += Number(result.numUpdatedRows);
  }
  const current = await db.selectFrom('workspace_data_keys').select((eb) => eb.fn.countAll<string>().as('n')).where('master_key_id', '=', keys.currentId).where('wrapped_key', 'is not', null).executeTakeFirstOrThrow();
  return { rewrapped, current: Number(current.n) - rewrapped, unopened };
}
