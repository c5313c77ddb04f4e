import type { TestStorage } from '../../support/test-database.js';
import { type StoreWrite } from '../../../storage/store-writer.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';

/** Writes one row at a given instant of the test clock; returns its id and expiry. */
export async function writeAt(storage: TestStorage, workspaceId: string, at: Date, write: Omit<StoreWrite, 'defaultRetentionDays'>) {
  storage.clock.set(at);
  const result = await writeStoreRow(storage, workspaceId, { defaultRetentionDays: 60, ...write });
  if (!result.stored) throw new Error('row not stored');
  return result;
}

/** A giveaway participation with a personal email, `minutesAgo` before `now`. */
export function participation(storage: TestStorage, workspaceId: string, now: Date, minutesAgo: number, email: string, entry: number) {
  return writeAt(storage, workspaceId, new Date(now.getTime() - minutesAgo * 60_000), {
    table: 'participations',
    moduleId: 'giveaway',
    stepId: 'enter',
    data: { entry },
    personal: { email },
    subject: email,
  });
}
