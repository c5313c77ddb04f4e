import type { AddCodesResult, AuditPage, AuditQuery, CodePool, DownloadLink, Flow, FlowDetail, FlowDocument, FlowStats, FlowVersionSummary, ModuleInfo, PreviewToken, RowPage, StoreRow, TableFlow, TableInfo, Workspace, WorkspaceGpgKey, WorkspacePatch } from './api-types.js';
import type { DestinationCheck, ExportDefinitionDocument, ExportOptions, ExportPreview, ExportSourceFlow, ExportRun, ExportSummary, ExportTrigger, FieldCatalogue, GpgKeyInfo, RunDownload } from './export-api-types.js';
import { uploadWithProgress } from './upload-request.js';

const API_ROOT = '/api/v1';

/** An API refusal: status, the API's error code and message, the JSON path it names and its details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The admin API, called with one key; every method resolves with parsed JSON or throws ApiError. */
export interface AdminApi {
  workspace(): Promise<Workspace>;
  updateWorkspace(patch: WorkspacePatch): Promise<Workspace>;
  /** The workspace's public GPG key (404 ApiError when it has none). */
  workspaceGpgKey(): Promise<WorkspaceGpgKey>;
  /** Makes the workspace a new key pair, replacing any it had. */
  createWorkspaceGpgKey(): Promise<WorkspaceGpgKey>;
  tables(): Promise<readonly TableInfo[]>;
  /** One page of a table's rows (of one flow, with `flowId`: see `tableFlows`). */
  rows(table: string, page: { readonly limit: number; readonly after?: string; readonly flowId?: string }): Promise<RowPage>;
  /** The flows with rows in a table, each with its count. */
  tableFlows(table: string): Promise<readonly TableFlow[]>;
  deleteRow(table: string, rowId: string): Promise<void>;
  /** The file a row of the Files table keeps (`application/octet-stream`, so a link to it downloads). */
  rowFile(rowId: string): Promise<Blob>;
  deleteAllRows(table: string, flowId?: string): Promise<number>;
  createDownload(table: string, flowId?: string): Promise<DownloadLink>;
  flows(): Promise<readonly Flow[]>;
  closeFlow(flowId: string): Promise<Flow>;
  /** Deletes a flow with its sessions, versions, draws and code pool; what it stored keeps its own expiry. */
  deleteFlow(flowId: string): Promise<void>;
  /** Copies a flow under a new id (and name); the copy. */
  copyFlow(flowId: string, slug: string, name?: string): Promise<Flow>;
  flow(flowId: string): Promise<FlowDetail>;
  /** A flow's statistics over days `from`..`to` (YYYY-MM-DD, workspace zone); the server's defaults for those left out. */
  flowStats(flowId: string, range: { readonly from?: string; readonly to?: string }): Promise<FlowStats>;
  saveFlow(flowId: string, document: FlowDocument): Promise<FlowDetail>;
  modules(): Promise<readonly ModuleInfo[]>;
  exports(): Promise<readonly ExportSummary[]>;
  export(exportId: string): Promise<ExportSummary>;
  saveExport(exportId: string | undefined, definition: ExportDefinitionDocument): Promise<ExportSummary>;
  deleteExport(exportId: string): Promise<void>;
  /** The fields an export of this source may read (a table's catalogue ignores a flow given with it). */
  exportFields(source: ExportDefinitionDocument['source']): Promise<FieldCatalogue>;
  exportOptions(): Promise<ExportOptions>;
  /** The flows an export may read; keys limited to exports may list them too. */
  exportSources(): Promise<readonly ExportSourceFlow[]>;
  previewDraft(definition: ExportDefinitionDocument, limit: number): Promise<ExportPreview>;
  testDestination(destination: Readonly<Record<string, unknown>>, exportId?: string): Promise<DestinationCheck>;
  checkGpgKey(publicKey: string): Promise<GpgKeyInfo>;
  fileNameExample(input: { readonly name: string; readonly source: ExportDefinitionDocument['source']; readonly format: ExportDefinitionDocument['format']; readonly fileNamePattern: string; readonly encrypted: boolean }): Promise<string>;
  nextOccurrence(trigger: ExportTrigger): Promise<string | null>;
  runExport(exportId: string): Promise<ExportRun>;
  exportRuns(exportId: string, limit: number): Promise<readonly ExportRun[]>;
  createRunDownload(exportId: string, runId: string): Promise<RunDownload>;
  flowVersions(flowId: string): Promise<readonly FlowVersionSummary[]>;
  restoreFlowVersion(flowId: string, version: number): Promise<FlowDetail>;
  previewFlow(flowId: string): Promise<PreviewToken>;
  /** Any other call of the API (feature modules such as webhooks/webhook-api.ts type their own). */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  codePools(): Promise<readonly CodePool[]>;
  /** Streams a CSV file of codes into a codes step's pool; `onProgress` hears the fraction sent. */
  uploadCodes(flowId: string, stepId: string, file: Blob, options: { readonly header: boolean; onProgress?(fraction: number): void }): Promise<AddCodesResult>;
  audit(query: AuditQuery): Promise<AuditPage>;
  auditActions(): Promise<readonly string[]>;
  /** Everything stored about one email (sent in the body, never in a URL). */
  lookupSubject(email: string): Promise<readonly StoreRow[]>;
  /** Erases everything about one email; the rows erased per table. */
  eraseSubject(email: string): Promise<Readonly<Record<string, number>>>;
  /** Anonymizes one email everywhere; the rows anonymized per table and the consents withdrawn. */
  anonymizeSubject(email: string): Promise<{ readonly anonymized: Readonly<Record<string, number>>; readonly consentsWithdrawn: number }>;
  /** Withdraws the consents the address gave that still stand; the count withdrawn. */
  withdrawConsents(email: string): Promise<number>;
}

/** The ApiError of a refusal, from its status and body text (any body: a proxy may answer HTML). */
function toApiError(status: number, text: string): ApiError {
  let body: { error?: { code?: unknown; message?: unknown; path?: unknown; details?: unknown } } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = body?.error;
  const message = typeof error?.message === 'string' ? error.message : `The server answered ${status}.`;
  const details = typeof error?.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : undefined;
  return new ApiError(status, typeof error?.code === 'string' ? error.code : 'http_error', message, typeof error?.path === 'string' ? error.path : undefined, details);
}

const UNREACHABLE = 'The server could not be reached. Check your connection and try again.';

/**
 * A same-origin client of `/api/v1` with `Authorization: Bearer <key>`. `onUnauthorized` runs
 * when the server stops accepting the key (revoked while signed in).
 *
 * @example
 * const api = createAdminApi(key, { onUnauthorized: signOut });
 * const tables = await api.tables();
 */
export function createAdminApi(key: string, options: { readonly onUnauthorized?: () => void } = {}): AdminApi {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${API_ROOT}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network', UNREACHABLE);
    }
    if (!response.ok) throw refused(response.status, await response.text());
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
  function refused(status: number, text: string): ApiError {
    if (status === 401) options.onUnauthorized?.();
    return toApiError(status, text);
  }
  async function uploadCodes(flowId: string, stepId: string, file: Blob, upload: { readonly header: boolean; onProgress?(fraction: number): void }): Promise<AddCodesResult> {
    const url = `${API_ROOT}/flows/${encodeURIComponent(flowId)}/steps/${encodeURIComponent(stepId)}/codes/csv${upload.header ? '?header=true' : ''}`;
    const headers = { authorization: `Bearer ${key}`, accept: 'application/json', 'content-type': 'text/csv' };
    const response = await uploadWithProgress({ url, headers, body: file, onProgress: upload.onProgress }).catch(() => {
      throw new ApiError(0, 'network', UNREACHABLE);
    });
    if (response.status < 200 || response.status > 299) throw refused(response.status, response.text);
    return JSON.parse(response.text) as AddCodesResult;
  }
  async function rowFile(rowId: string): Promise<Blob> {
    let response: Response;
    try {
      response = await fetch(`${API_ROOT}/tables/files/rows/${encodeURIComponent(rowId)}/file`, { headers: { authorization: `Bearer ${key}` }, credentials: 'omit', cache: 'no-store' });
    } catch {
      throw new ApiError(0, 'network', UNREACHABLE);
    }
    if (!response.ok) throw refused(response.status, await response.text());
    return response.blob();
  }
  const table = (name: string) => `/tables/${encodeURIComponent(name)}`;
  const exported = (exportId: string) => `/exports/${encodeURIComponent(exportId)}`;
  return Object.freeze({
    workspace: () => call<Workspace>('GET', '/workspace'),
    updateWorkspace: (patch: WorkspacePatch) => call<Workspace>('PATCH', '/workspace', patch),
    workspaceGpgKey: () => call<WorkspaceGpgKey>('GET', '/workspace/gpg-key'),
    createWorkspaceGpgKey: () => call<WorkspaceGpgKey>('POST', '/workspace/gpg-key'),
    tables: async () => (await call<{ tables: TableInfo[] }>('GET', '/tables')).tables,
    rows: (name: string, page: { limit: number; after?: string; flowId?: string }) => {
      const query = new URLSearchParams({ limit: String(page.limit), ...(page.after && { after: page.after }), ...(page.flowId && { flowId: page.flowId }) });
      return call<RowPage>('GET', `${table(name)}/rows?${query}`);
    },
    tableFlows: async (name: string) => (await call<{ flows: TableFlow[] }>('GET', `${table(name)}/flows`)).flows,
    deleteRow: (name: string, rowId: string) => call<void>('DELETE', `${table(name)}/rows/${encodeURIComponent(rowId)}`),
    rowFile,
    deleteAllRows: async (name: string, flowId?: string) => (await call<{ deleted: number }>('DELETE', `${table(name)}/rows?${new URLSearchParams({ confirm: 'true', ...(flowId && { flowId }) })}`)).deleted,
    createDownload: (name: string, flowId?: string) => call<DownloadLink>('POST', `${table(name)}/downloads`, { acceptTerms: true, ...(flowId && { flowId }) }),
    flows: async () => (await call<{ flows: Flow[] }>('GET', '/flows')).flows,
    closeFlow: (flowId: string) => call<Flow>('POST', `/flows/${encodeURIComponent(flowId)}/close`),
    deleteFlow: (flowId: string) => call<void>('DELETE', `/flows/${encodeURIComponent(flowId)}`),
    copyFlow: (flowId: string, slug: string, name?: string) => call<Flow>('POST', `/flows/${encodeURIComponent(flowId)}/copies`, { slug, ...(name !== undefined && { name }) }),
    flow: (flowId: string) => call<FlowDetail>('GET', `/flows/${encodeURIComponent(flowId)}`),
    flowStats: (flowId: string, range: { from?: string; to?: string }) => {
      const query = new URLSearchParams({ ...(range.from && { from: range.from }), ...(range.to && { to: range.to }) }).toString();
      return call<FlowStats>('GET', `/flows/${encodeURIComponent(flowId)}/stats${query && `?${query}`}`);
    },
    saveFlow: (flowId: string, document: FlowDocument) => call<FlowDetail>('PUT', `/flows/${encodeURIComponent(flowId)}`, document),
    modules: async () => (await call<{ modules: ModuleInfo[] }>('GET', '/modules')).modules,
    exports: async () => (await call<{ exports: ExportSummary[] }>('GET', '/exports')).exports,
    export: (exportId: string) => call<ExportSummary>('GET', exported(exportId)),
    saveExport: (exportId: string | undefined, definition: ExportDefinitionDocument) =>
      exportId ? call<ExportSummary>('PUT', exported(exportId), definition) : call<ExportSummary>('POST', '/exports', definition),
    deleteExport: (exportId: string) => call<void>('DELETE', exported(exportId)),
    exportFields: (source: ExportDefinitionDocument['source']) => call<FieldCatalogue>('GET', `/exports/fields?${new URLSearchParams(source.table ? { table: source.table } : { flow: source.flow ?? '' })}`),
    exportOptions: () => call<ExportOptions>('GET', '/export-options'),
    exportSources: async () => (await call<{ flows: ExportSourceFlow[] }>('GET', '/exports/sources')).flows,
    previewDraft: (definition: ExportDefinitionDocument, limit: number) => call<ExportPreview>('POST', `/export-drafts/preview?limit=${limit}`, definition),
    testDestination: (destination: Readonly<Record<string, unknown>>, exportId?: string) => call<DestinationCheck>('POST', '/export-drafts/destination-test', { destination, ...(exportId && { exportId }) }),
    checkGpgKey: (publicKey: string) => call<GpgKeyInfo>('POST', '/export-drafts/gpg-key-check', { publicKey }),
    fileNameExample: async (input: Parameters<AdminApi['fileNameExample']>[0]) => (await call<{ fileName: string }>('POST', '/export-drafts/file-name', input)).fileName,
    nextOccurrence: async (trigger: ExportTrigger) => (await call<{ at: string | null }>('POST', '/export-drafts/next-occurrence', { trigger })).at,
    runExport: (exportId: string) => call<ExportRun>('POST', `${exported(exportId)}/runs`),
    exportRuns: async (exportId: string, limit: number) => (await call<{ runs: ExportRun[] }>('GET', `${exported(exportId)}/runs?limit=${limit}`)).runs,
    createRunDownload: (exportId: string, runId: string) => call<RunDownload>('POST', `${exported(exportId)}/runs/${encodeURIComponent(runId)}/downloads`, { acceptTerms: true }),
    flowVersions: async (flowId: string) => (await call<{ versions: FlowVersionSummary[] }>('GET', `/flows/${encodeURIComponent(flowId)}/versions`)).versions,
    restoreFlowVersion: (flowId: string, version: number) => call<FlowDetail>('POST', `/flows/${encodeURIComponent(flowId)}/versions/${version}/restore`),
    previewFlow: (flowId: string) => call<PreviewToken>('POST', `/flows/${encodeURIComponent(flowId)}/preview`),
    request: call,
    codePools: async () => (await call<{ pools: CodePool[] }>('GET', '/code-pools')).pools,
    uploadCodes,
    audit: (query: AuditQuery) => {
      const params = new URLSearchParams({ limit: String(query.limit) });
      for (const name of ['before', 'action', 'from', 'to'] as const) if (query[name]) params.set(name, query[name]);
      return call<AuditPage>('GET', `/audit?${params}`);
    },
    auditActions: async () => (await call<{ actions: string[] }>('GET', '/audit/actions')).actions,
    lookupSubject: async (email: string) => (await call<{ rows: StoreRow[] }>('POST', '/subjects/lookup', { email })).rows,
    eraseSubject: async (email: string) => (await call<{ erased: Record<string, number> }>('POST', '/subjects/erasure', { email })).erased,
    anonymizeSubject: (email: string) => call<{ anonymized: Record<string, number>; consentsWithdrawn: number }>('POST', '/subjects/anonymization', { email }),
    withdrawConsents: async (email: string) => (await call<{ withdrawn: number }>('POST', '/subjects/consent-withdrawal', { email })).withdrawn,
  });
}

/** Checks a key by reading its workspace: the workspace, or an ApiError (401 for a bad key). */
export async function signInWith(key: string, options: { readonly onUnauthorized?: () => void } = {}): Promise<{ readonly api: AdminApi; readonly workspace: Workspace }> {
  let accepted = false;
  const api = createAdminApi(key, { onUnauthorized: () => accepted && options.onUnauthorized?.() });
  const workspace = await api.workspace();
  accepted = true;
  return { api, workspace };
}
