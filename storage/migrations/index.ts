import type { Migration } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as flowsAndSessions from './0002-flows-and-sessions.js';
import * as consentConfirmations from './0003-consent-confirmations.js';
import * as instantWin from './0004-instant-win.js';
import * as codesAndDraws from './0005-codes-and-draws.js';
import * as auditAndDownloads from './0006-audit-and-downloads.js';
import * as exportsMigration from './0007-exports.js';
import * as socketIoAdapter from './0008-socket-io-adapter.js';
import * as cronOccurrencesAndLeases from './0009-cron-occurrences-and-leases.js';
import * as drawSeeds from './0010-draw-seeds.js';
import * as partitionedStores from './0011-partitioned-stores.js';
import * as exportSessionIndexes from './0012-export-session-indexes.js';
import * as flowVersionsAndPreview from './0013-flow-versions-and-preview.js';
import * as webhooks from './0014-webhooks.js';
import * as flowStatistics from './0015-flow-statistics.js';
import * as moduleStorageAndPreviewRows from './0016-module-storage-and-preview-rows.js';
import * as auditActionIndex from './0017-audit-action-index.js';
import * as exportRunDownloads from './0018-export-run-downloads.js';
import * as sessionExpectation from './0019-session-expectation.js';
import * as chatEntryNotify from './0020-chat-entry-notify.js';
import * as subjectLedger from './0021-subject-ledger.js';
import * as sessionMovedOn from './0022-session-moved-on.js';
import * as queueTableVacuum from './0023-queue-table-vacuum.js';
import * as codePoolUploadOrder from './0024-code-pool-upload-order.js';
import * as fileAttachments from './0025-file-attachments.js';
import * as loyaltyStore from './0026-loyalty-store.js';
import * as loyaltyStatistics from './0027-loyalty-statistics.js';
import * as quizStatistics from './0028-quiz-statistics.js';
import * as ratingStatistics from './0029-rating-statistics.js';
import * as masterKeyIds from './0030-master-key-ids.js';
import * as apiKeyAccess from './0031-api-key-access.js';
import * as stepCompletions from './0032-step-completions.js';
import * as apiKeyExpiry from './0033-api-key-expiry.js';
import * as withdrawalRequests from './0034-withdrawal-requests.js';
import * as apiKeyScopes from './0035-api-key-scopes.js';
import * as downloadFlow from './0036-download-flow.js';
import * as cronOccurrenceAge from './0037-cron-occurrence-age.js';
import * as auditRetention from './0038-audit-retention.js';
import * as workspaceGpgKeys from './0039-workspace-gpg-keys.js';
import * as webhookEventRows from './0040-webhook-event-rows.js';

/**
 * Every migration, in the order they apply. Forward-only and frozen: a migration is never edited
 * once released and imports nothing but kysely (no live lists); a change is a new entry.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-foundation': foundation,
  '0002-flows-and-sessions': flowsAndSessions,
  '0003-consent-confirmations': consentConfirmations,
  '0004-instant-win': instantWin,
  '0005-codes-and-draws': codesAndDraws,
  '0006-audit-and-downloads': auditAndDownloads,
  '0007-exports': exportsMigration,
  '0008-socket-io-adapter': socketIoAdapter,
  '0009-cron-occurrences-and-leases': cronOccurrencesAndLeases,
  '0010-draw-seeds': drawSeeds,
  '0011-partitioned-stores': partitionedStores,
  '0012-export-session-indexes': exportSessionIndexes,
  '0013-flow-versions-and-preview': flowVersionsAndPreview,
  '0014-webhooks': webhooks,
  '0015-flow-statistics': flowStatistics,
  '0016-module-storage-and-preview-rows': moduleStorageAndPreviewRows,
  '0017-audit-action-index': auditActionIndex,
  '0018-export-run-downloads': exportRunDownloads,
  '0019-session-expectation': sessionExpectation,
  '0020-chat-entry-notify': chatEntryNotify,
  '0021-subject-ledger': subjectLedger,
  '0022-session-moved-on': sessionMovedOn,
  '0023-queue-table-vacuum': queueTableVacuum,
  '0024-code-pool-upload-order': codePoolUploadOrder,
  '0025-file-attachments': fileAttachments,
  '0026-loyalty-store': loyaltyStore,
  '0027-loyalty-statistics': loyaltyStatistics,
  '0028-quiz-statistics': quizStatistics,
  '0029-rating-statistics': ratingStatistics,
  '0030-master-key-ids': masterKeyIds,
  '0031-api-key-access': apiKeyAccess,
  '0032-step-completions': stepCompletions,
  '0033-api-key-expiry': apiKeyExpiry,
  '0034-withdrawal-requests': withdrawalRequests,
  '0035-api-key-scopes': apiKeyScopes,
  '0036-download-flow': downloadFlow,
  '0037-cron-occurrence-age': cronOccurrenceAge,
  '0038-audit-retention': auditRetention,
  '0039-workspace-gpg-keys': workspaceGpgKeys,
  '0040-webhook-event-rows': webhookEventRows,
});
