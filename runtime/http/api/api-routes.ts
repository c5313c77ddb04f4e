import type { RouteDefinition } from './api-route.js';
import { createApiKeyRoute, getCurrentApiKeyRoute, listApiKeysRoute, revokeApiKeyRoute } from './routes/api-key-routes.js';
import { listAuditActionsRoute, listAuditRoute } from './routes/audit-routes.js';
import { addCodesRoute, codeStatsRoute, listCodePoolsRoute, uploadCodesCsvRoute } from './routes/code-routes.js';
import { createDrawRoute, instantWinProofRoute, listDrawsRoute } from './routes/draw-routes.js';
import { commitDrawSeedRoute, listDrawCommitmentsRoute, replayDrawRoute } from './routes/draw-proof-routes.js';
import { previewExportRoute, putExternalRoute } from './routes/export-preview-routes.js';
import { listRunsRoute, runExportRoute, testDestinationRoute } from './routes/export-run-routes.js';
import { createExportRoute, deleteExportRoute, getExportRoute, listExportsRoute, putExportRoute } from './routes/export-routes.js';
import { exportFieldsRoute, exportOptionsRoute, exportSourcesRoute } from './routes/export-catalogue-routes.js';
import { checkGpgKeyRoute, fileNameExampleRoute, nextOccurrenceRoute, previewDraftRoute, testDraftDestinationRoute } from './routes/export-draft-routes.js';
import { createRunDownloadRoute } from './routes/export-run-download-routes.js';
import { listModulesRoute } from './routes/module-routes.js';
import { flowStatsRoute } from './routes/flow-stats-routes.js';
import { closeFlowRoute, copyFlowRoute, deleteFlowRoute, getFlowRoute, listFlowsRoute, putFlowRoute } from './routes/flow-routes.js';
import { createFlowPreviewRoute, getFlowVersionRoute, listFlowVersionsRoute, restoreFlowVersionRoute } from './routes/flow-version-routes.js';
import { anonymizeSubjectRoute, eraseSubjectRoute, lookupSubjectRoute, withdrawSubjectConsentsRoute } from './routes/subject-routes.js';
import { createDownloadRoute, deleteAllRowsRoute, deleteRowRoute, getRowFileRoute } from './routes/table-data-routes.js';
import { listRowsRoute, listTableFlowsRoute, listTablesRoute } from './routes/table-routes.js';
import { getWorkspaceRoute, patchWorkspaceRoute } from './routes/workspace-routes.js';
import { createWorkspaceGpgKeyRoute, getWorkspaceGpgKeyRoute } from './routes/workspace-gpg-routes.js';
import {
  createWebhookRoute, deleteWebhookRoute, getWebhookRoute, listWebhookDeliveriesRoute, listWebhooksRoute, rotateWebhookSecretRoute, updateWebhookRoute,
} from './routes/webhook-routes.js';

/** Every admin API operation, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly RouteDefinition[] = [
  getWorkspaceRoute,
  patchWorkspaceRoute,
  getWorkspaceGpgKeyRoute,
  createWorkspaceGpgKeyRoute,
  listApiKeysRoute,
  getCurrentApiKeyRoute,
  createApiKeyRoute,
  revokeApiKeyRoute,
  listModulesRoute,
  listFlowsRoute,
  getFlowRoute,
  putFlowRoute,
  copyFlowRoute,
  deleteFlowRoute,
  closeFlowRoute,
  flowStatsRoute,
  listFlowVersionsRoute,
  getFlowVersionRoute,
  restoreFlowVersionRoute,
  createFlowPreviewRoute,
  createDrawRoute,
  listDrawsRoute,
  listDrawCommitmentsRoute,
  commitDrawSeedRoute,
  replayDrawRoute,
  instantWinProofRoute,
  listCodePoolsRoute,
  addCodesRoute,
  uploadCodesCsvRoute,
  codeStatsRoute,
  listTablesRoute,
  listRowsRoute,
  listTableFlowsRoute,
  deleteRowRoute,
  getRowFileRoute,
  deleteAllRowsRoute,
  createDownloadRoute,
  lookupSubjectRoute,
  eraseSubjectRoute,
  anonymizeSubjectRoute,
  withdrawSubjectConsentsRoute,
  listAuditRoute,
  listAuditActionsRoute,
  exportFieldsRoute,
  exportSourcesRoute,
  exportOptionsRoute,
  listExportsRoute,
  createExportRoute,
  getExportRoute,
  putExportRoute,
  deleteExportRoute,
  previewExportRoute,
  listRunsRoute,
  runExportRoute,
  testDestinationRoute,
  createRunDownloadRoute,
  previewDraftRoute,
  testDraftDestinationRoute,
  checkGpgKeyRoute,
  fileNameExampleRoute,
  nextOccurrenceRoute,
  putExternalRoute,
  listWebhooksRoute,
  createWebhookRoute,
  getWebhookRoute,
  updateWebhookRoute,
  deleteWebhookRoute,
  rotateWebhookSecretRoute,
  listWebhookDeliveriesRoute,
];
