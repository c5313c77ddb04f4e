import { defineRoute } from '../api-route.js';
import { audit } from '../audit.js';
import { acceptTermsBody, dataKeyDestroyedResponse, downloadLinkProperties, tableNameSchema, uuidSchema } from '../schemas/common-schemas.js';
import { ParleyError } from '../../../../core/errors.js';
import { deleteAllStoreRows, deleteStoreRow } from '../../../../storage/store-deleter.js';
import { issueDownload } from '../../../../storage/download-repository.js';
import { tableScopeName, type StoreTable } from '../../../../core/store-tables.js';
import { readAttachment } from '../../../../storage/store-attachment.js';
import { attachmentDisposition } from '../../content-disposition.js';

const tableParams = { type: 'object', additionalProperties: false, required: ['table'], properties: { table: tableNameSchema } };

/** How long a download link stays valid. */
export const DOWNLOAD_TTL_MS = 15 * 60_000;

export const deleteRowRoute = defineRoute<{ table: StoreTable; rowId: string }>({
  method: 'delete',
  path: '/tables/{table}/rows/{rowId}',
  operationId: 'deleteRow',
  summary: 'Delete one row by hand; it disappears from every view, download and export',
  tag: 'data',
  params: { type: 'object', additionalProperties: false, required: ['table', 'rowId'], properties: { table: tableNameSchema, rowId: uuidSchema } },
  responses: { 204: { description: 'Deleted' } },
  async handler(call) {
    const deleted = await deleteStoreRow(call.services.storage, call.principal.workspaceId, call.params.table, call.params.rowId);
    if (!deleted) throw new ParleyError('not_found', 'No such row');
    await audit(call, 'rows.deleted', call.params.table, { rows: 1 });
    return { status: 204 };
  },
});

export const deleteAllRowsRoute = defineRoute<{ table: StoreTable }, { confirm: boolean; flowId?: string }>({
  method: 'delete',
  path: '/tables/{table}/rows',
  operationId: 'deleteAllRows',
  summary: 'Delete every row of a table, or every row one flow stored in it (flowId); needs confirm=true',
  tag: 'data',
  params: tableParams,
  query: { type: 'object', additionalProperties: false, required: ['confirm'], properties: { confirm: { type: 'boolean', const: true }, flowId: uuidSchema } },
  responses: { 200: { description: 'How many rows went', schema: { type: 'object', additionalProperties: false, required: ['deleted'], properties: { deleted: { type: 'integer' } } } } },
  async handler(call) {
    const { flowId } = call.query;
    const deleted = await deleteAllStoreRows(call.services.storage, call.principal.workspaceId, call.params.table, flowId);
    await audit(call, 'rows.deleted_all', tableScopeName(call.params.table, flowId), { rows: deleted });
    return { body: { deleted } };
  },
});

export const createDownloadRoute = defineRoute<{ table: StoreTable }, unknown, { acceptTerms: true; flowId?: string }>({
  method: 'post',
  path: '/tables/{table}/downloads',
  operationId: 'createDownload',
  summary: 'A one-time link to the table (or the rows one flow stored in it: flowId) as CSV in an AES-256 encrypted ZIP; the password is shown once',
  tag: 'data',
  readOnly: true,
  params: tableParams,
  body: { ...acceptTermsBody, properties: { ...acceptTermsBody.properties, flowId: { ...uuidSchema, description: 'Only the rows this flow stored (`flowId` of GET /tables/{table}/flows)' } } },
  responses: {
    201: {
      description: 'The link and its password (shown once; never stored in clear)',
      schema: { type: 'object', additionalProperties: false, required: ['url', 'password', 'expiresAt'], properties: downloadLinkProperties },
    },
    410: dataKeyDestroyedResponse,
  },
  async handler(call) {
    const target = { table: call.params.table, ...(call.body.flowId && { flowId: call.body.flowId }) };
    const issued = await issueDownload(call.services.storage, { workspaceId: call.principal.workspaceId, target, keyId: call.principal.keyId, ttlMs: DOWNLOAD_TTL_MS });
    await audit(call, 'download.created', tableScopeName(call.params.table, call.body.flowId));
    const base = `${call.req.protocol}://${call.req.get('host')}`;
    return { status: 201, body: { url: `${base}/downloads/${issued.token}`, password: issued.password, expiresAt: issued.expiresAt.toISOString() } };
  },
});

export const getRowFileRoute = defineRoute<{ rowId: string }>({
  method: 'get',
  path: '/tables/files/rows/{rowId}/file',
  operationId: 'getRowFile',
  summary: 'The file a participant sent, kept in a row of the Files table, as an attachment',
  tag: 'data',
  params: { type: 'object', additionalProperties: false, required: ['rowId'], properties: { rowId: uuidSchema } },
  responses: {
    200: { description: "The file's bytes, as received (its type was read from them)", mediaType: 'application/octet-stream' },
    410: dataKeyDestroyedResponse,
  },
  async handler(call) {
    const file = await readAttachment(call.services.storage, call.principal.workspaceId, call.params.rowId);
    if (!file) throw new ParleyError('not_found', 'No such file');
    await audit(call, 'file.downloaded', 'files', { rows: 1 });
    // Always a download, never shown in the console's origin: an image or PDF is opened by the owner's own viewer.
    call.res.status(200).set({
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': attachmentDisposition(file.name),
      'Content-Length': String(file.content.length),
      'Cache-Control': 'no-store',
      'X-Parley-File-Type': file.type,
    }).end(file.content);
    return undefined;
  },
});
