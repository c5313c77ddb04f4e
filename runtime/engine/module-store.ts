import type { FollowingWriteResult, Frequency, ModuleDefinition, ModuleStore, ModuleWrite, UniqueWriteResult } from '../../core/module-contract.js';
import { ParleyError } from '../../core/errors.js';
import { windowStart } from './frequency-window.js';
import type { StoreContext } from '../../storage/store-context.js';
import { SESSION_ENTRY_TABLES, type StoreTable } from '../../core/store-tables.js';
import { type StoreWrite, type WriteResult } from '../../storage/store-writer.js';
import { writeStoreRow } from '../../storage/store-batch-writer.js';
import { holdSubjectEntry, holdSubjectLatest, writeStoreRowAtMost } from '../../storage/store-unique-writer.js';
import { inTransaction } from '../../storage/store-context.js';
import type { SessionState } from '../../storage/session-repository.js';
import type { TurnWrites } from './turn-writes.js';

/** Tables whose rows are one participation: they carry the device facts, the time spent and the IP address. */
const PARTICIPATION_TABLES: ReadonlySet<StoreTable> = new Set(['participations', 'winners', 'instant_win_claims']);

/**
 * Tables whose rows carry the device facts and the time spent: the participations', and those
 * whose session's first row is an entry of a flow without participations (a sign-up). The IP
 * address stays with participations, where a raffle checks entries against abuse: a sign-up's
 * rows do not keep it.
 */
const DEVICE_TABLES: ReadonlySet<StoreTable> = new Set([...PARTICIPATION_TABLES, ...SESSION_ENTRY_TABLES]);

export interface ModuleStoreScope {
  readonly ctx: StoreContext;
  readonly workspace: { readonly id: string; readonly timeZone: string; readonly storageEnabled: boolean };
  readonly flowId: string;
  readonly stepId: string;
  readonly session: SessionState;
  readonly module: ModuleDefinition;
  /** In a chat turn: rows are held and written with the session at the end of the turn. */
  readonly writes?: TurnWrites;
}

/** A store that writes only the module's declared tables, stamped with flow, session and step. */
export function createModuleStore(scope: ModuleStoreScope): ModuleStore {
  const { ctx, workspace, module, session, writes } = scope;

  const toWrite = (table: StoreTable, row: ModuleWrite): StoreWrite => {
    const declaration = module.tables[table];
    if (!declaration) throw new ParleyError('internal', `Module ${module.id} did not declare table ${table}`);
    const participation = PARTICIPATION_TABLES.has(table);
    const device = DEVICE_TABLES.has(table);
    const chrono = Math.max(0, Math.round((ctx.clock.now().getTime() - session.startedAt.getTime()) / 1000));
    const personal = participation && session.ip ? { ...row.personal, ip: session.ip } : row.personal;
    return {
      table,
      moduleId: module.id,
      defaultRetentionDays: declaration.retentionDays,
      flowId: scope.flowId,
      sessionId: session.id,
      stepId: scope.stepId,
      participantRef: session.participantRef,
      data: device ? { ...row.data, device: session.device, chrono } : { ...row.data },
      personal: personal ?? null,
      subject: row.subject ?? null,
      preview: session.preview ?? false,
      ...(row.attachment && { attachment: row.attachment }),
      ...(row.event && { event: row.event }),
    };
  };

  return {
    storageEnabled: workspace.storageEnabled,
    async write(table, row): Promise<WriteResult> {
      const write = toWrite(table, row);
      return writes ? writes.add(write) : writeStoreRow(ctx, workspace.id, write);
    },
    async writeAtMost(table, row, frequency: Frequency): Promise<UniqueWriteResult> {
      const since = windowStart(frequency, ctx.clock.now(), workspace.timeZone);
      const write = toWrite(table, row);
      if (since === undefined) return writes ? writes.add(write) : writeStoreRow(ctx, workspace.id, write);
      const entry = { ...write, subject: row.subject, flowId: scope.flowId };
      await writes?.flush([table]);
      // In a reply's transaction: the check now (its lock lasts until the turn commits), the row
      // with the turn's last statement. Elsewhere (a start runs without one) check and write together.
      if (!writes || !ctx.db.isTransaction) return writeStoreRowAtMost(ctx, workspace.id, entry, since);
      if (await holdSubjectEntry(ctx, workspace.id, entry, since)) return { stored: false, reason: 'already_exists' };
      return writes.add(write);
    },
    async writeFollowing(table, subject, frequency, next, options = {}): Promise<FollowingWriteResult> {
      const since = windowStart(frequency, ctx.clock.now(), workspace.timeZone);
      const { series } = options;
      const entry = { table, preview: session.preview ?? false, subject, flowId: scope.flowId, ...(series !== undefined && { series }) };
      await writes?.flush([table]);
      const follow = async (trx: StoreContext, write: (row: StoreWrite) => Promise<WriteResult>): Promise<FollowingWriteResult> => {
        const held = await holdSubjectLatest(trx, workspace.id, entry, since);
        if (held.inWindow) return { stored: false, reason: 'already_exists', latest: held.latest };
        const row = next(held.latest);
        return write(toWrite(table, { ...row, data: { ...row.data, ...(series !== undefined && { series }) }, subject }));
      };
      // As writeAtMost: in a reply's transaction the lock lasts until the turn commits and the row
      // goes with its last statement; elsewhere the read, the check and the write share one.
      if (writes && ctx.db.isTransaction) return follow(ctx, (row) => writes.add(row));
      return inTransaction(ctx, (trx) => follow(trx, (row) => writeStoreRow(trx, workspace.id, row)));
    },
  };
}
