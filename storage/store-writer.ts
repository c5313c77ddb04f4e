import { sql, type RawBuilder } from 'kysely';
import { uuidV7 } from './uuid-v7.js';
import type { StoreContext } from './store-context.js';
import { MAX_RETENTION_DAYS, type StoreTable } from '../core/store-tables.js';
import type { WriteResult } from '../core/module-contract.js';
import type { ModuleWebhookEvent } from '../core/webhook-events.js';
import { ParleyError } from '../core/errors.js';

/** One row a module wants stored. Personal values go in `personal` and are encrypted at rest. */
export interface StoreWrite {
  table: StoreTable;
  moduleId: string;
  /** The module's default retention for this table, stamped on the row. */
  defaultRetentionDays: number;
  flowId?: string | null;
  sessionId?: string | null;
  stepId?: string | null;
  /** A pseudonymous participant id (never an email). */
  participantRef?: string | null;
  /** Non-personal values, stored as JSON. */
  data?: Record<string, unknown>;
  /** Personal values (email, names, free text, IP, …), stored encrypted. */
  personal?: Record<string, unknown> | null;
  /** The normalized data subject (an email), stored only as a keyed hash for lookups. */
  subject?: string | null;
  /** Written by a console preview session: read by no export, download, draw or console table. */
  preview?: boolean;
  /** A file's bytes (the `files` table only), sealed with the row's id as context. */
  attachment?: Uint8Array;
  /** The webhook event the row is, beside its table's (see `ModuleWrite.event`). */
  event?: ModuleWebhookEvent;
}

export type { WriteResult };

/** A store row ready to insert: its id, personal values sealed and subject hashed. */
export interface PreparedStoreRow {
  readonly id: string;
  readonly table: StoreTable;
  readonly moduleId: string;
  readonly defaultRetentionDays: number;
  readonly flowId: string | null;
  readonly sessionId: string | null;
  readonly stepId: string | null;
  readonly participantRef: string | null;
  readonly subjectHash: Buffer | null;
  readonly createdAt: Date;
  readonly data: Record<string, unknown>;
  readonly personal: Buffer | null;
  readonly preview: boolean;
  /** The sealed file of a `files` row (bound to the row by `attachmentContext`), else null. */
  readonly attachment: Buffer | null;
  readonly event: ModuleWebhookEvent | null;
}

/** What a shaped statement writing store rows reads (see store-batch-writer.ts): the rows in its shape's order. */
export interface StoreRowsInput {
  readonly workspaceId: string;
  readonly rows: readonly PreparedStoreRow[];
}

/** How a row's personal value is sealed and its subject hashed (`RowSealing` for rows written together). */
export interface RowSealer {
  seal(personal: Record<string, unknown>): Promise<Buffer>;
  hash(subject: string): Promise<Buffer>;
}

/** Seals and hashes each row's values on their own. */
function sealerOf(ctx: StoreContext, workspaceId: string): RowSealer {
  return { seal: (personal) => ctx.keyring.encryptJson(workspaceId, personal), hash: (subject) => ctx.keyring.lookupHash(workspaceId, subject) };
}

/**
 * Seals and hashes for rows written together (one chat turn's): each distinct personal value is
 * sealed once and each subject hashed once, and rows holding the same value share its sealed
 * bytes. A winning instant-win turn writes the email to variables, and the email with the IP to
 * the claim and the winner: three seals and three hashes where two seals and one hash do. With
 * the session's seals, the keyring took 5 % of the server's CPU profile under the chat bench's
 * instant-win conversations. Shared bytes tell no more than the rows already do (one session, one
 * subject hash), and each row holds its own copy: deleting or expiring one leaves the others
 * readable.
 */
export class RowSealing implements RowSealer {
  readonly #sealed = new Map<string, Promise<Buffer>>();
  readonly #hashes = new Map<string, Promise<Buffer>>();
  readonly #each: RowSealer;

  constructor(ctx: StoreContext, workspaceId: string) {
    this.#each = sealerOf(ctx, workspaceId);
  }

  seal(personal: Record<string, unknown>): Promise<Buffer> {
    return once(this.#sealed, JSON.stringify(personal), () => this.#each.seal(personal));
  }

  hash(subject: string): Promise<Buffer> {
    return once(this.#hashes, subject, () => this.#each.hash(subject));
  }
}

function once(made: Map<string, Promise<Buffer>>, key: string, make: () => Promise<Buffer>): Promise<Buffer> {
  let value = made.get(key);
  if (!value) {
    value = make();
    made.set(key, value);
  }
  return value;
}

/** Checks the default retention, seals personal values and hashes the subject of one row. */
export async function prepareStoreRow(ctx: StoreContext, workspaceId: string, write: StoreWrite, sealer: RowSealer = sealerOf(ctx, workspaceId)): Promise<PreparedStoreRow> {
  const days = write.defaultRetentionDays;
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new ParleyError('config_invalid', 'Default retention must be a whole number of days', { path: `/tables/${write.table}/retentionDays` });
  }
  const personal = write.personal && Object.keys(write.personal).length > 0 ? await sealer.seal(write.personal) : null;
  if (write.attachment && write.table !== 'files') throw new ParleyError('internal', 'Only the files table keeps files');
  const id = uuidV7();
  return {
    id,
    table: write.table,
    moduleId: write.moduleId,
    defaultRetentionDays: days,
    flowId: write.flowId ?? null,
    sessionId: write.sessionId ?? null,
    stepId: write.stepId ?? null,
    participantRef: write.participantRef ?? null,
    subjectHash: write.subject ? await sealer.hash(write.subject) : null,
    createdAt: ctx.clock.now(),
    data: write.data ?? {},
    personal,
    preview: write.preview ?? false,
    attachment: write.attachment ? await ctx.keyring.encryptBytes(workspaceId, write.attachment, attachmentContext(id)) : null,
    event: write.event ?? null,
  };
}

/** What a file's seal is bound to besides its workspace: its row, so it cannot be moved to another. */
export function attachmentContext(rowId: string): string {
  return `attachment:${rowId}`;
}

/**
 * Whether the workspace `w` of a statement (id, retention, storage_enabled, storage_off_modules)
 * stores rows of the module `moduleId`: storage is on, and not switched off for that module.
 */
export function storesModule(moduleId: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(w.storage_enabled and not (${moduleId} = any(w.storage_off_modules)))`;
}

/** The workspace as the statements that write store rows read it (`w`); `workspaceId` is a value or a slot. */
export function writingWorkspace(workspaceId: unknown): RawBuilder<unknown> {
  return sql`w as (select id, retention, storage_enabled, storage_off_modules from workspaces where id = ${workspaceId})`;
}
