import type { Operation } from './openapi-contract.js';

/** The resources a sample request is aimed at. */
export interface SampleTarget {
  readonly flowId: string;
  readonly stepId: string;
  readonly rowId: string;
  readonly exportId: string;
  readonly email: string;
  /** A webhook endpoint (another resource's id, which no webhook has, when left out). */
  readonly webhookId?: string;
}

export interface SampleRequest {
  readonly path: string;
  readonly query?: string;
  readonly body?: unknown;
  /** A body that is not JSON: sent as it is with this Content-Type. */
  readonly contentType?: string;
}

/**
 * A valid request for every operation of the OpenAPI document. A route added without a sample
 * here makes `sampleRequest` throw, so tests that walk the document cannot miss it.
 */
function samples(t: SampleTarget): Record<string, { query?: string; body?: unknown; contentType?: string }> {
  return {
    getWorkspace: {},
    updateWorkspace: { body: { name: 'Renamed' } },
    createWorkspaceGpgKey: {},
    getWorkspaceGpgKey: {},
    listApiKeys: {},
    getCurrentApiKey: {},
    createApiKey: { body: { name: 'CRM' } },
    revokeApiKey: {},
    listModules: {},
    listFlows: {},
    getFlow: {},
    saveFlow: { body: { name: 'A flow', steps: [{ id: 's', module: 'message', config: { text: 'x' } }] } },
    deleteFlow: {},
    closeFlow: {},
    copyFlow: { body: { slug: 'sample-copy' } },
    getFlowStats: { query: '?from=2026-01-01&to=2026-01-31' },
    listFlowVersions: {},
    getFlowVersion: {},
    restoreFlowVersion: {},
    createFlowPreview: {},
    createDraw: { body: { count: 1 } },
    listDraws: {},
    listDrawCommitments: {},
    commitDrawSeed: { body: {} },
    replayDraw: {},
    getInstantWinProof: {},
    listCodePools: {},
    addCodes: { body: { codes: ['A-CODE'] } },
    uploadCodesCsv: { body: 'A-CODE\nB-CODE\n', contentType: 'text/csv' },
    getCodeStats: {},
    listTables: {},
    listRows: {},
    listTableFlows: {},
    deleteRow: {},
    getRowFile: {},
    deleteAllRows: { query: '?confirm=true' },
    createDownload: { body: { acceptTerms: true } },
    lookupSubject: { body: { email: t.email } },
    eraseSubject: { body: { email: t.email } },
    anonymizeSubject: { body: { email: t.email } },
    withdrawSubjectConsents: { body: { email: t.email } },
    listAudit: {},
    listAuditActions: {},
    listExportFields: { query: `?flow=${t.flowId}` },
    listExports: {},
    createExport: { body: { name: 'x', source: { flow: t.flowId }, fields: [{ field: 'form.contest_entry_hash_id' }], format: { type: 'csv' }, fileNamePattern: '{export}' } },
    getExport: {},
    replaceExport: { body: { name: 'x', source: { table: 'participations' }, fields: [{ field: 'row.id' }], format: { type: 'csv' }, fileNamePattern: '{export}' } },
    deleteExport: {},
    previewExport: { body: {} },
    listExportRuns: {},
    runExport: {},
    testExportDestination: {},
    createRunDownload: { body: { acceptTerms: true } },
    listExportOptions: {},
    listExportSources: {},
    previewExportDraft: { body: { name: 'x', source: { flow: t.flowId }, fields: [{ field: 'form.contest_entry_hash_id' }], format: { type: 'csv' }, fileNamePattern: '{export}' } },
    testDraftDestination: { body: { destination: { kind: 'local', directory: 'draft-test' } } },
    checkGpgKey: { body: { publicKey: 'not a key' } },
    exampleFileName: { body: { name: 'x', format: { type: 'csv' }, fileNamePattern: '{export}-{date}' } },
    nextTriggerOccurrence: { body: { trigger: { type: 'daily', time: '06:00', mode: 'all' } } },
    setExternalFields: { body: { 'pop.status': 'stolen' } },
    listWebhooks: {},
    createWebhook: { body: { url: 'https://hooks.example.org/parley', events: ['participation.created'] } },
    getWebhook: {},
    updateWebhook: { body: { enabled: false } },
    deleteWebhook: {},
    rotateWebhookSecret: {},
    listWebhookDeliveries: { query: '?limit=10' },
  };
}

/** The request a test sends for `op`, with its path parameters filled from `target`. */
export function sampleRequest(op: Operation, target: SampleTarget): SampleRequest {
  const sample = samples(target)[op.operationId];
  if (!sample) throw new Error(`no sample request for ${op.operationId}`);
  const path = op.path
    .replace('{flowId}', target.flowId)
    .replace('{stepId}', target.stepId)
    .replace('{table}', 'participations')
    .replace('{rowId}', target.rowId)
    .replace('{entryId}', target.rowId)
    .replace('{drawId}', target.rowId)
    .replace('{exportId}', target.exportId)
    .replace('{runId}', target.rowId)
    .replace('{version}', '1')
    .replace('{webhookId}', target.webhookId ?? target.rowId)
    // Never a key of the test's own: a sample revocation must not lock the test out.
    .replace('{keyId}', target.rowId);
  if (path.includes('{')) throw new Error(`unknown path parameter in ${op.path}`);
  return { path, ...sample };
}
