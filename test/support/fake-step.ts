import { ManualClock } from '../../core/clock.js';
import type { FlowInfo, ModuleWrite, StepContext, VisitorDevice, WriteResult } from '../../core/module-contract.js';
import type { StoreTable } from '../../core/store-tables.js';
import { fakeCapabilities } from './fake-capabilities.js';

/**
 * A step context over plain objects for a module's unit tests: records the variables it sets, the
 * rows it writes (every write is stored unless `storageEnabled` is false, the first as `row-1`; `writeFollowing` follows the latest recorded row of the subject)
 * and the events it logs; `capabilities` are the ones the module uses.
 */
export function fakeStep<const C>(
  config: C,
  options: { variables?: Record<string, string | number | boolean>; storageEnabled?: boolean; stepId?: string; flow?: FlowInfo; country?: string; device?: VisitorDevice; capabilities?: Parameters<typeof fakeCapabilities>[0] } = {},
) {
  const storageEnabled = options.storageEnabled ?? true;
  const variables: Record<string, string | number | boolean> = { ...(options.variables ?? { first: 'Ann' }) };
  const writes: Array<{ table: StoreTable; row: ModuleWrite }> = [];
  const events: string[] = [];
  const record = async (table: StoreTable, row: ModuleWrite): Promise<WriteResult> => {
    writes.push({ table, row });
    return storageEnabled ? { stored: true, id: `row-${writes.length}`, expiresAt: new Date(0) } : { stored: false, reason: 'storage_disabled' };
  };
  const ctx: StepContext<C> = {
    config,
    stepId: options.stepId ?? 'step',
    workspace: { id: 'w', timeZone: 'UTC' },
    flow: options.flow ?? { id: 'f', slug: 'summer', hashId: 'h', name: 'Summer', opensAt: null, closesAt: null },
    session: { id: 's', participantRef: 'p', ...(options.country && { country: options.country }), ...(options.device && { device: options.device }) },
    variables: { get: (n) => variables[n], set: (n, v) => void (variables[n] = v), all: () => ({ ...variables }) },
    store: {
      storageEnabled,
      write: record,
      writeAtMost: async () => ({ stored: false, reason: 'already_exists' }),
      writeFollowing: async (table, subject, _frequency, next) => {
        const latest = [...writes].reverse().find((w) => w.table === table && w.row.subject === subject)?.row.data ?? null;
        return record(table, { ...next(latest), subject });
      },
    },
    clock: new ManualClock('2026-01-01T00:00:00Z'),
    capabilities: fakeCapabilities(options.capabilities ?? {}),
    log: async (event) => void events.push(event),
  };
  return { ctx, variables, writes, events };
}
