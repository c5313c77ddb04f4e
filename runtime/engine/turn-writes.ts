import type { StoreContext } from '../../storage/store-context.js';
import type { StoreTable } from '../../core/store-tables.js';
import { prepareStoreRow, RowSealing, type PreparedStoreRow, type StoreWrite, type WriteResult } from '../../storage/store-writer.js';
import { writeStoreRows } from '../../storage/store-batch-writer.js';
import { resolveRetentionDays } from '../../storage/retention-policy.js';
import type { TurnWorkspace } from '../../storage/turn-repository.js';

/**
 * The store rows a turn writes, held until the turn's last statement writes them with the
 * session (one multi-row insert per table). A row is written earlier only when something in
 * the turn is about to read its table (`flush`), so reads inside the turn still see it.
 * Rows holding the same personal value or subject share one seal and one hash (`RowSealing`).
 * Whether storage is on (for the workspace and for the row's module) is the workspace as the turn
 * read it; the writing statement checks both again and writes nothing once either is off.
 */
export class TurnWrites {
  readonly #ctx: StoreContext;
  readonly #workspace: TurnWorkspace;
  readonly #sealing: RowSealing;
  #pending: PreparedStoreRow[] = [];

  constructor(ctx: StoreContext, workspace: TurnWorkspace) {
    this.#ctx = ctx;
    this.#workspace = workspace;
    this.#sealing = new RowSealing(ctx, workspace.id);
  }

  /** Holds one row for the end of the turn; the result is what the workspace's settings promise. */
  async add(write: StoreWrite): Promise<WriteResult> {
    if (!this.#workspace.storageEnabled || this.#workspace.storageOffModules.includes(write.moduleId)) return { stored: false, reason: 'storage_disabled' };
    const row = await prepareStoreRow(this.#ctx, this.#workspace.id, write, this.#sealing);
    this.#pending.push(row);
    const days = resolveRetentionDays(this.#workspace.retention, row.table, row.moduleId, row.defaultRetentionDays);
    return { stored: true, id: row.id, expiresAt: new Date(row.createdAt.getTime() + days * 86_400_000) };
  }

  /** Writes now the held rows of `tables` (all when omitted), for a read that must see them. */
  async flush(tables?: readonly StoreTable[]): Promise<void> {
    const due = tables ? this.#pending.filter((r) => tables.includes(r.table)) : this.#pending;
    if (due.length === 0) return;
    this.#pending = tables ? this.#pending.filter((r) => !tables.includes(r.table)) : [];
    await writeStoreRows(this.#ctx, this.#workspace.id, due);
  }

  /** The rows still held, handed to the turn's final statement. */
  take(): PreparedStoreRow[] {
    const rows = this.#pending;
    this.#pending = [];
    return rows;
  }
}

/**
 * A capability whose methods first flush the turn's held rows of the tables it reads (a
 * consent confirmation reads its consent row, a win limit counts winners rows). Capabilities
 * are plain (frozen) objects: the copy has the same properties, its methods wrapped.
 */
export function flushingFirst<T>(capability: T, writes: TurnWrites, reads: readonly StoreTable[]): T {
  if (typeof capability !== 'object' || capability === null || reads.length === 0) return capability;
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(capability)) {
    wrapped[name] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            await writes.flush(reads);
            return (value as (...a: unknown[]) => unknown).apply(capability, args);
          }
        : value;
  }
  return Object.freeze(wrapped) as T;
}
