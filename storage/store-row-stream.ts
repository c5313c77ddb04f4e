import { Readable } from 'node:stream';
import { listStoreRows, type DecodedRow, type ListOptions } from './store-reader.js';
import type { StoreContext } from './store-context.js';
import type { StoreTable } from '../core/store-tables.js';

/**
 * A table's live rows for one workspace, oldest first, as an object stream read in keyset
 * pages: memory stays flat whatever the row count, and expired rows are never read.
 */
export function streamStoreRows(ctx: StoreContext, workspaceId: string, table: StoreTable, options: Omit<ListOptions, 'after' | 'order' | 'limit'> & { pageSize?: number } = {}): Readable {
  async function* pages(): AsyncGenerator<DecodedRow> {
    let after: string | undefined;
    do {
      const page = await listStoreRows(ctx, workspaceId, table, { ...options, order: 'asc', limit: options.pageSize ?? 1000, after });
      yield* page.rows;
      after = page.next ?? undefined;
    } while (after);
  }
  return Readable.from(pages(), { objectMode: true, highWaterMark: 1 });
}
