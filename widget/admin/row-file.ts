import type { AdminApi } from './api-client.js';
import type { StoreRow } from './api-types.js';
import { el } from './dom-builder.js';

/**
 * Saves the file a row of the Files table keeps, under the name it was sent with. The API answers
 * it as `application/octet-stream`, so the browser saves it and never shows it in the console.
 */
export async function saveRowFile(api: AdminApi, row: StoreRow): Promise<void> {
  const url = URL.createObjectURL(await api.rowFile(row.id));
  const name = typeof row.personal?.name === 'string' ? row.personal.name : 'file';
  el('a', { attrs: { href: url, download: name } }).click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
