import { defineRoute } from '../api-route.js';
import { audit } from '../audit.js';
import { acceptTermsBody, dataKeyDestroyedResponse, downloadLinkProperties, errorResponse, uuidSchema } from '../schemas/common-schemas.js';
import { DOWNLOAD_TTL_MS } from './table-data-routes.js';
import { ParleyError } from '../../../../core/errors.js';
import { deliveredFile } from '../../../../exporter/downloads/delivered-file.js';
import { issueDownload } from '../../../../storage/download-repository.js';
import { getExportRun } from '../../../../storage/export-run-repository.js';

export const createRunDownloadRoute = defineRoute<{ exportId: string; runId: string }, unknown, { acceptTerms: true }>({
  method: 'post',
  path: '/exports/{exportId}/runs/{runId}/downloads',
  operationId: 'createRunDownload',
  summary: 'A one-time link (15 minutes) to the file a run delivered to a local directory, in an AES-256 ZIP whose password is shown once (the file inside is as delivered: GPG-encrypted if the export has a key)',
  tag: 'exports',
  readOnly: true,
  params: { type: 'object', additionalProperties: false, required: ['exportId', 'runId'], properties: { exportId: uuidSchema, runId: uuidSchema } },
  body: acceptTermsBody,
  responses: {
    201: {
      description: 'The link, its password (shown once; never stored in clear), and the delivered file the ZIP holds',
      schema: {
        type: 'object', additionalProperties: false, required: ['url', 'password', 'fileName', 'bytes', 'expiresAt'],
        properties: {
          ...downloadLinkProperties,
          fileName: { type: 'string', description: 'The delivered file, as the ZIP names it' },
          bytes: { type: 'integer', description: 'Its size as delivered' },
        },
      },
    },
    409: errorResponse('The run has no local file to download: it did not succeed, went to another destination, or its file was removed or replaced since'),
    410: dataKeyDestroyedResponse,
  },
  async handler(call) {
    const { storage, exports } = call.services;
    const run = await getExportRun(storage, call.principal.workspaceId, call.params.exportId, call.params.runId);
    if (!run) throw new ParleyError('not_found', 'No such run');
    const file = await deliveredFile(run, exports.localRoot);
    if (!file) throw new ParleyError('conflict', 'This run has no local file to download (not delivered locally, not succeeded, or the file was removed or replaced since)');
    const issued = await issueDownload(storage, { workspaceId: call.principal.workspaceId, target: { runId: run.id }, keyId: call.principal.keyId, ttlMs: DOWNLOAD_TTL_MS });
    await audit(call, 'export.download_created', run.id);
    const base = `${call.req.protocol}://${call.req.get('host')}`;
    return { status: 201, body: { url: `${base}/downloads/${issued.token}`, password: issued.password, fileName: file.fileName, bytes: file.bytes, expiresAt: issued.expiresAt.toISOString() } };
  },
});
