import { createHash } from 'node:crypto';
import { defineRoute, type ApiCall } from '../api-route.js';
import { audit } from '../audit.js';
import { dataKeyDestroyedResponse, storeRowSchema } from '../schemas/common-schemas.js';
import { rowJson } from './table-routes.js';
import { ValidationError } from '../../../../core/errors.js';
import { normalizeEmail } from '../../../../core/email-address.js';
import { findSubjectRows } from '../../../../storage/store-reader.js';
import { eraseSubjectRows } from '../../../../storage/store-deleter.js';
import type { SubjectCounts } from '../../../../storage/subject-request.js';
import { STORE_TABLES } from '../../../../core/store-tables.js';
import { anonymizeSubjectRows } from '../../../../storage/subject-anonymization.js';
import { withdrawSubjectConsents } from '../../../../storage/consent-withdrawal.js';
import { requireWorkspaceFlow } from './draw-routes.js';

/** The subject travels in the body, never in the URL (URLs end up in logs, proxies and browser history). */
const emailBody = { type: 'object', additionalProperties: false, required: ['email'], properties: { email: { type: 'string', minLength: 3, maxLength: 254 } } };

/** Rows per store table (and `sessions`: chat sessions) that a request acted on. */
const countsPerTable = { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } };

type SubjectCall = ApiCall<unknown, unknown, { email: string }>;

function subjectOf(call: SubjectCall): string {
  const email = normalizeEmail(call.body.email);
  if (!email) throw new ValidationError('Must be an email address', '/email');
  return email;
}

/** A short, unsalted fingerprint for the audit trail is still personal data: the audit gets a keyed-hash prefix instead. */
async function auditTarget(call: SubjectCall, subject: string): Promise<string> {
  const hash = await call.services.storage.keyring.lookupHash(call.principal.workspaceId, subject);
  return `subject:${createHash('sha256').update(hash).digest('hex').slice(0, 16)}`;
}

/** Partners hear of a request that acted on rows (subject.erased, subject.anonymized, consent.withdrawn) without waiting for the next drain. */
function wakeWebhooks(call: SubjectCall, counts: SubjectCounts): void {
  if (STORE_TABLES.some((table) => counts[table] > 0)) call.services.webhooks.wake();
}

export const lookupSubjectRoute = defineRoute<unknown, unknown, { email: string }>({
  method: 'post',
  path: '/subjects/lookup',
  operationId: 'lookupSubject',
  summary: 'Everything stored about one email, across all tables (data-subject access request)',
  tag: 'subjects',
  readOnly: true,
  body: emailBody,
  responses: { 200: { description: 'Rows about the subject', schema: { type: 'object', additionalProperties: false, required: ['rows'], properties: { rows: { type: 'array', items: storeRowSchema } } } }, 410: dataKeyDestroyedResponse },
  async handler(call) {
    const subject = subjectOf(call);
    const rows = await findSubjectRows(call.services.storage, call.principal.workspaceId, subject);
    await audit(call, 'subject.accessed', await auditTarget(call, subject), { rows: rows.length });
    return { body: { rows: rows.map(rowJson) } };
  },
});

export const eraseSubjectRoute = defineRoute<unknown, unknown, { email: string }>({
  method: 'post',
  path: '/subjects/erasure',
  operationId: 'eraseSubject',
  summary: 'Erase everything stored about one email, in every table (right to erasure)',
  tag: 'subjects',
  body: emailBody,
  responses: {
    200: {
      description: 'Rows erased per table, and chat sessions deleted (partners hear subject.erased, naming the rows)',
      schema: { type: 'object', additionalProperties: false, required: ['erased'], properties: { erased: countsPerTable } },
    },
    410: dataKeyDestroyedResponse,
  },
  async handler(call) {
    const subject = subjectOf(call);
    const erased = await eraseSubjectRows(call.services.storage, call.principal.workspaceId, subject);
    await audit(call, 'subject.erased', await auditTarget(call, subject), erased);
    wakeWebhooks(call, erased);
    return { body: { erased } };
  },
});

export const anonymizeSubjectRoute = defineRoute<unknown, unknown, { email: string }>({
  method: 'post',
  path: '/subjects/anonymization',
  operationId: 'anonymizeSubject',
  summary:
    'Anonymize one email in every table: its entries stay (counted, winners still winners, draws intact) without anything that identifies ' +
    'the person (personal values, the link to the address, uploaded files); its consents are withdrawn; its chat sessions are deleted. ' +
    'Exports read form.is_anonymous 1 for those entries',
  tag: 'subjects',
  body: emailBody,
  responses: {
    200: {
      description: 'Rows anonymized per table, chat sessions deleted, and the consents withdrawn (partners hear consent.withdrawn, and subject.anonymized naming the rows)',
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['anonymized', 'consentsWithdrawn'],
        properties: { anonymized: countsPerTable, consentsWithdrawn: { type: 'integer', minimum: 0 } },
      },
    },
    410: dataKeyDestroyedResponse,
  },
  async handler(call) {
    const subject = subjectOf(call);
    const report = await anonymizeSubjectRows(call.services.storage, call.principal.workspaceId, subject);
    await audit(call, 'subject.anonymized', await auditTarget(call, subject), { ...report.anonymized, consentsWithdrawn: report.consentsWithdrawn });
    wakeWebhooks(call, report.anonymized);
    return { body: report };
  },
});

/** The subject, and optionally the flow (by its slug) whose consents alone are withdrawn. */
const withdrawalBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email'],
  properties: {
    email: emailBody.properties.email,
    flow: { type: 'string', minLength: 1, maxLength: 64, description: 'Only the consents given in this flow (its slug); without it, every flow of the workspace' },
  },
};

export const withdrawSubjectConsentsRoute = defineRoute<unknown, unknown, { email: string; flow?: string }>({
  method: 'post',
  path: '/subjects/consent-withdrawal',
  operationId: 'withdrawSubjectConsents',
  summary:
    'Withdraw the consents one email gave (the person asked, or a partner system heard them unsubscribe): each keeps its proof ' +
    'and reads is_optin 0 from now on, with withdrawn_at; a pending double opt-in link stops working; partners hear consent.withdrawn',
  tag: 'subjects',
  body: withdrawalBody,
  responses: {
    200: {
      description: 'The consents withdrawn (0 when none stood: declined, already withdrawn, or none given)',
      schema: { type: 'object', additionalProperties: false, required: ['withdrawn'], properties: { withdrawn: { type: 'integer', minimum: 0 } } },
    },
    410: dataKeyDestroyedResponse,
  },
  async handler(call) {
    const subject = subjectOf(call);
    const flow = call.body.flow === undefined ? undefined : await requireWorkspaceFlow(call, call.body.flow);
    const withdrawn = await withdrawSubjectConsents(call.services.storage, call.principal.workspaceId, subject, flow?.id);
    await audit(call, 'subject.consents_withdrawn', await auditTarget(call, subject), { withdrawn });
    if (withdrawn > 0) call.services.webhooks.wake();
    return { body: { withdrawn } };
  },
});
