import { Router } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../logger.js';
import { encryptedZip } from '../../exporter/downloads/encrypted-zip.js';
import { tableCsv } from '../../exporter/downloads/table-csv.js';
import { redeemDownload } from '../../storage/download-repository.js';
import { recordAudit } from '../../storage/audit-repository.js';
import type { StoreContext } from '../../storage/store-context.js';
import { streamStoreRows } from '../../storage/store-row-stream.js';

/**
 * `GET /downloads/{token}`: streams the encrypted ZIP exactly once. A used or expired token
 * gets 410, an unknown one 404; two simultaneous redemptions give one 200.
 */
export function downloadRoute(storage: StoreContext, logger: Logger): Router {
  const router = Router();
  router.get('/downloads/:token', async (req, res) => {
    const redemption = await redeemDownload(storage, req.params.token).catch(() => undefined);
    if (!redemption) {
      res.status(500).json({ error: { code: 'internal', message: 'Internal error' } });
      return;
    }
    if (redemption.status !== 'ok') {
      const gone = redemption.status === 'gone';
      res.status(gone ? 410 : 404).json({ error: { code: gone ? 'gone' : 'not_found', message: gone ? 'This download link was already used or has expired' : 'No such download' } });
      return;
    }
    const day = storage.clock.now().toISOString().slice(0, 10);
    res.status(200).set({
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="parley-${redemption.table}-${day}.zip"`,
      'Cache-Control': 'no-store',
    });
    const rows = streamStoreRows(storage, redemption.workspaceId, redemption.table);
    const zip = encryptedZip({ name: `${redemption.table}.csv`, content: tableCsv(rows) }, redemption.password);
    try {
      await pipeline(zip, res);
      await recordAudit(storage.db, { workspaceId: redemption.workspaceId, keyId: null, action: 'download.redeemed', target: redemption.table, at: storage.clock.now() });
    } catch (error) {
      logger.warn({ err: { message: (error as Error).message } }, 'download interrupted');
      res.destroy();
    }
  });
  return router;
}
