import { sql } from 'kysely';
import type { StoreContext } from './store-context.js';
import { liveRow } from './retention-move.js';
import { attachmentContext } from './store-writer.js';

/** A file kept in the Files table, opened. */
export interface StoredFile {
  readonly name: string;
  /** The type read from the file's bytes when it was received. */
  readonly type: string;
  readonly content: Buffer;
}

/**
 * The file of one live row of the Files table, decrypted; undefined when the row does not exist,
 * belongs to another workspace, has expired, was written by a console preview or holds no file.
 * `data_key_destroyed` after crypto-shredding.
 */
export async function readAttachment(ctx: StoreContext, workspaceId: string, rowId: string): Promise<StoredFile | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(rowId)) return undefined;
  const result = await sql<{ data: { type?: unknown }; personal: Buffer | null; attachment: Buffer | null }>`
    select data, personal, attachment from store_files
    where id = ${rowId} and workspace_id = ${workspaceId} and not preview and ${liveRow('files', ctx.clock.now())}`.execute(ctx.db);
  const row = result.rows[0];
  if (!row?.attachment) return undefined;
  const personal = row.personal ? await ctx.keyring.decryptJson<{ name?: unknown }>(workspaceId, row.personal) : {};
  return {
    name: typeof personal.name === 'string' ? personal.name : 'file',
    type: typeof row.data.type === 'string' ? row.data.type : 'application/octet-stream',
    content: await ctx.keyring.decryptBytes(workspaceId, row.attachment, attachmentContext(rowId)),
  };
}
