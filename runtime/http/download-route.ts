import { createReadStream } from 'node:fs';
import { Router, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Logger } from '../logger.js';
import { deliveredFile } from '../../exporter/downloads/delivered-file.js';
import { encryptedZip, type ZipEntry } from '../../exporter/downloads/encrypted-zip.js';
import { readAttachment } from '../../storage/store-attachment.js';
import type { DecodedRow } from '../../storage/store-reader.js';
import { tableCsv } from '../../exporter/downloads/table-csv.js';
import { redeemDownload, type Redemption } from '../../storage/download-repository.js';
import { recordAudit } from '../../storage/audit-repository.js';
import { getRun } from '../../storage/export-run-repository.js';
import type { StoreContext } from '../../storage/store-context.js';
import { streamStoreRows } from '../../storage/store-row-stream.js';
import { attachmentDisposition } from './content-disposition.js';
import { tableScopeName } from '../../core/store-tables.js';

/** Each file of the Files table (of one flow, with `flowId`), one at a time, as `files/<row id>-<name>` (the row id is the CSV's `id`). */
async function* fileEntries(storage: StoreContext, workspaceId: string, flowId: string | undefined): AsyncIterable<ZipEntry> {
  for await (const row of streamStoreRows(storage, workspaceId, 'files', { pageSize: 100, flowId }) as AsyncIterable<DecodedRow>) {
    const file = await readAttachment(storage, workspaceId, row.id);
    if (file) yield { name: `files/${row.id}-${file.name}`, content: file.content };
  }
}

type Redeemed<K extends string> = Extract<Redemption, { status: 'ok'; kind: K }>;

function refuse(res: Response, gone: boolean, message = gone ? 'This download link was already used or has expired' : 'No such download'): void {
  res.status(gone ? 410 : 404).json({ error: { code: gone ? 'gone' : 'not_found', message } });
}

/**
 * `GET /downloads/{token}`: serves a one-time link exactly once, always as an AES-256 ZIP opened by
 * the password shown when the link was issued. A table link streams the table as CSV, or only the
 * rows one flow stored (the Files table with its files beside the CSV); an export run link streams the file the run delivered to a
 * local directory, as delivered (410 when it was removed or replaced since). A used or expired token
 * gets 410 until the sweep removes its link, then 404 as an unknown one; two simultaneous
 * redemptions give one 200.
 */
export function downloadRoute(storage: StoreContext, logger: Logger, options: { readonly localRoot: string }): Router {
  const router = Router();

  async function send(res: Response, body: Readable, headers: Record<string, string>, audit: { workspaceId: string; target: string }): Promise<void> {
    res.status(200).set({ ...headers, 'Cache-Control': 'no-store' });
    try {
      await pipeline(body, res);
      await recordAudit(storage.db, { workspaceId: audit.workspaceId, keyId: null, action: 'download.redeemed', target: audit.target, at: storage.clock.now() });
    } catch (error) {
      logger.warn({ err: { message: (error as Error).message } }, 'download interrupted');
      res.destroy();
    }
  }

  async function sendTable(res: Response, redemption: Redeemed<'table'>): Promise<void> {
    const day = storage.clock.now().toISOString().slice(0, 10);
    const flowId = redemption.flowId ?? undefined;
    const rows = streamStoreRows(storage, redemption.workspaceId, redemption.table, { flowId });
    const csv = { name: `${redemption.table}.csv`, content: tableCsv(rows) };
    const zip = encryptedZip(csv, redemption.password, redemption.table === 'files' ? fileEntries(storage, redemption.workspaceId, flowId) : undefined);
    await send(res, zip, { 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="parley-${redemption.table}-${day}.zip"` }, { workspaceId: redemption.workspaceId, target: tableScopeName(redemption.table, redemption.flowId) });
  }

  async function sendRunFile(res: Response, redemption: Redeemed<'run'>): Promise<void> {
    const run = await getRun(storage, redemption.runId);
    const file = run && (await deliveredFile(run, options.localRoot));
    if (!file) return refuse(res, true, 'The file of this run is no longer where it was delivered');
    const zip = encryptedZip({ name: file.fileName, content: createReadStream(file.path) }, redemption.password);
    const headers = { 'Content-Type': 'application/zip', 'Content-Disposition': attachmentDisposition(`${file.fileName}.zip`), 'X-Content-Type-Options': 'nosniff' };
    await send(res, zip, headers, { workspaceId: redemption.workspaceId, target: `export-run:${redemption.runId}` });
  }

  router.get('/downloads/:token', async (req, res) => {
    const redemption = await redeemDownload(storage, req.params.token).catch(() => undefined);
    if (!redemption) {
      res.status(500).json({ error: { code: 'internal', message: 'Internal error' } });
      return;
    }
    if (redemption.status !== 'ok') return refuse(res, redemption.status === 'gone');
    if (redemption.kind === 'table') await sendTable(res, redemption);
    else await sendRunFile(res, redemption).catch(() => refuse(res, true, 'The file of this run is no longer where it was delivered'));
  });
  return router;
}
