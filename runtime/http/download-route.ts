import { createReadStream } from 'node:fs';
import { Router, type Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Logger } from '../logger.js';
import { deliveredFile } from '../../exporter/downloads/delivered-file.js';
import { encryptedZip } from '../../exporter/downloads/encrypted-zip.js';
import { tableCsv } from '../../exporter/downloads/table-csv.js';
import { redeemDownload, type Redemption } from '../../storage/download-repository.js';
import { recordAudit } from '../../storage/audit-repository.js';
import { getRun } from '../../storage/export-run-repository.js';
import type { StoreContext } from '../../storage/store-context.js';
import { streamStoreRows } from '../../storage/store-row-stream.js';

type Redeemed<K extends string> = Extract<Redemption, { status: 'ok'; kind: K }>;

function refuse(res: Response, gone: boolean, message = gone ? 'This download link was already used or has expired' : 'No such download'): void {
  res.status(gone ? 410 : 404).json({ error: { code: gone ? 'gone' : 'not_found', message } });
}

/** `filename` for plain ASCII, `filename*` (RFC 5987) for the rest, so a name never breaks the header. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * `GET /downloads/{token}`: serves a one-time link exactly once. A table link streams the table
 * as CSV in an AES-256 ZIP; an export run link streams the file the run delivered to a local
 * directory, as delivered (410 when it was removed or replaced since). A used or expired token
 * gets 410, an unknown one 404; two simultaneous redemptions give one 200.
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
    const rows = streamStoreRows(storage, redemption.workspaceId, redemption.table);
    const zip = encryptedZip({ name: `${redemption.table}.csv`, content: tableCsv(rows) }, redemption.password);
    await send(res, zip, { 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="parley-${redemption.table}-${day}.zip"` }, { workspaceId: redemption.workspaceId, target: redemption.table });
  }

  async function sendRunFile(res: Response, redemption: Redeemed<'run'>): Promise<void> {
    const run = await getRun(storage, redemption.runId);
    const file = run && (await deliveredFile(run, options.localRoot));
    if (!file) return refuse(res, true, 'The file of this run is no longer where it was delivered');
    const headers = { 'Content-Type': 'application/octet-stream', 'Content-Disposition': attachment(file.fileName), 'Content-Length': String(file.bytes), 'X-Content-Type-Options': 'nosniff' };
    await send(res, createReadStream(file.path), headers, { workspaceId: redemption.workspaceId, target: `export-run:${redemption.runId}` });
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
