import { defineRoute } from '../api-route.js';
import { dataKeyDestroyedResponse, dateTimeSchema, uuidSchema } from '../schemas/common-schemas.js';
import { exportDefinitionBodySchema } from '../schemas/export-schemas.js';
import { flowSlugSchema } from '../schemas/flow-schemas.js';
import { previewResponseSchema } from './export-preview-routes.js';
import { destinationCheckSchema } from './export-run-routes.js';
import { requireWorkspace } from './export-routes.js';
import type { ExportDefinition } from '../../../../exporter/definition/export-definition.js';
import { checkDestination } from '../../../../exporter/destinations/destination-check.js';
import { validateGpgPublicKey } from '../../../../exporter/encryption/gpg-public-key.js';
import { previewExport } from '../../../../exporter/pipeline/preview-export.js';
import { runFileName } from '../../../../exporter/run/run-file-name.js';
import { formatExtension, validateFormatOptions } from '../../../../exporter/serializers/index.js';
import { nextOccurrence, validateTrigger } from '../../../../exporter/triggers/trigger.js';
import { getFlow } from '../../../../storage/flow-repository.js';

/*
 * What the console's export builder asks while an export is being defined, before (or without)
 * saving it. Every body uses the paths of the export definition, so a refusal names the same
 * JSON path as saving would (`/fields/0/filter`, `/destination/hostKeySha256`, `/trigger/time`).
 */

export const previewDraftRoute = defineRoute<unknown, { limit?: number }, ExportDefinition>({
  method: 'post',
  path: '/export-drafts/preview',
  operationId: 'previewExportDraft',
  summary: 'Dry run of an export definition that is not saved (yet): the first N rows (default 20) with conditions, filters and field parameters, in its format; nothing is delivered. Destination, GPG key and trigger are not needed and not checked.',
  tag: 'exports',
  readOnly: true,
  query: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200 } } },
  body: exportDefinitionBodySchema,
  responses: { 200: { description: 'Columns, rows and the rendered text', schema: previewResponseSchema }, 410: dataKeyDestroyedResponse },
  async handler(call) {
    const { storage, flows, exportDefinitions } = call.services;
    const { workspace, definition } = await exportDefinitions.checkDraft(call.principal.workspaceId, call.body);
    return { body: await previewExport(storage, flows.registry, workspace, definition, call.query.limit ?? 20) };
  },
});

export const testDraftDestinationRoute = defineRoute<unknown, unknown, { destination: Record<string, unknown>; exportId?: string }>({
  method: 'post',
  path: '/export-drafts/destination-test',
  operationId: 'testDraftDestination',
  summary: 'Test connection: connects to a destination as typed (credentials left out are taken from `exportId`, if it has the same kind), writes and removes a probe file, and says what went wrong (e.g. an SFTP host key that does not match the pinned fingerprint)',
  tag: 'exports',
  body: {
    type: 'object', additionalProperties: false, required: ['destination'],
    properties: { destination: { type: 'object' }, exportId: { ...uuidSchema, description: 'A saved export whose stored credentials fill in those left out' } },
  },
  responses: { 200: { description: 'The check result', schema: destinationCheckSchema }, 410: dataKeyDestroyedResponse },
  async handler(call) {
    const { exports, exportDefinitions } = call.services;
    const destination = await exportDefinitions.draftDestination(call.principal.workspaceId, call.body.destination, call.body.exportId, '/exportId');
    return { body: await checkDestination(destination, { localRoot: exports.localRoot }) };
  },
});

export const checkGpgKeyRoute = defineRoute<unknown, unknown, { publicKey: string }>({
  method: 'post',
  path: '/export-drafts/gpg-key-check',
  operationId: 'checkGpgKey',
  summary: 'Checks a pasted GPG public key as saving an export would: one ASCII-armored public key, not revoked or expired, able to encrypt. A refusal gives the reason in `details.reason`.',
  tag: 'exports',
  readOnly: true,
  body: { type: 'object', additionalProperties: false, required: ['publicKey'], properties: { publicKey: { type: 'string', maxLength: 300_000 } } },
  responses: {
    200: {
      description: 'The key and what it is',
      schema: {
        type: 'object', additionalProperties: false, required: ['fingerprint', 'userIds', 'algorithm', 'expiresAt'],
        properties: { fingerprint: { type: 'string' }, userIds: { type: 'array', items: { type: 'string' } }, algorithm: { type: 'string' }, expiresAt: { type: ['string', 'null'], format: 'date-time' } },
      },
    },
  },
  async handler(call) {
    const info = await validateGpgPublicKey(call.body.publicKey, '/publicKey', { now: call.services.clock.now() });
    return { body: { fingerprint: info.fingerprint, userIds: [...info.userIds], algorithm: info.algorithm, expiresAt: info.expiresAt?.toISOString() ?? null } };
  },
});

export const fileNameExampleRoute = defineRoute<unknown, unknown, { name: string; source?: { flow?: string }; format: Record<string, unknown>; fileNamePattern: string; encrypted?: boolean; run?: number }>({
  method: 'post',
  path: '/export-drafts/file-name',
  operationId: 'exampleFileName',
  summary: "The name a run's file would get now (workspace time zone) from a file-name pattern, format and GPG choice; a bad pattern is refused at `/fileNamePattern`",
  tag: 'exports',
  readOnly: true,
  body: {
    type: 'object', additionalProperties: false, required: ['name', 'format', 'fileNamePattern'],
    properties: {
      name: { type: 'string', maxLength: 200 },
      source: { type: 'object', additionalProperties: false, properties: { flow: flowSlugSchema } },
      format: { type: 'object' },
      fileNamePattern: { type: 'string' },
      encrypted: { type: 'boolean', description: 'A GPG key is set: `.gpg` is appended' },
      run: { type: 'integer', minimum: 1, description: 'The run number to show (default 1)' },
    },
  },
  responses: { 200: { description: 'The example name', schema: { type: 'object', additionalProperties: false, required: ['fileName'], properties: { fileName: { type: 'string' } } } } },
  async handler(call) {
    const workspace = await requireWorkspace(call);
    const { name, source, format, fileNamePattern, encrypted = false, run = 1 } = call.body;
    const flow = source?.flow ? await getFlow(call.services.storage.db, workspace.id, source.flow) : undefined;
    const extension = formatExtension(validateFormatOptions(format, '/format'));
    const values = { exportName: name, flowName: flow?.name ?? '', now: call.services.clock.now(), timeZone: workspace.timeZone, run, extension };
    return { body: { fileName: runFileName(fileNamePattern, values, encrypted) } };
  },
});

export const nextOccurrenceRoute = defineRoute<unknown, unknown, { trigger: unknown }>({
  method: 'post',
  path: '/export-drafts/next-occurrence',
  operationId: 'nextTriggerOccurrence',
  summary: 'When a trigger would fire next, in the workspace time zone (null for immediate, at closure, and a scheduled time that has passed)',
  tag: 'exports',
  readOnly: true,
  body: { type: 'object', additionalProperties: false, required: ['trigger'], properties: { trigger: { type: 'object' } } },
  responses: {
    200: {
      description: 'The next occurrence and the zone it is in',
      schema: { type: 'object', additionalProperties: false, required: ['at', 'timeZone'], properties: { at: { anyOf: [{ type: 'null' }, dateTimeSchema] }, timeZone: { type: 'string' } } },
    },
  },
  async handler(call) {
    const workspace = await requireWorkspace(call);
    const trigger = validateTrigger(call.body.trigger, workspace.timeZone, '/trigger');
    const at = nextOccurrence(trigger, call.services.clock.now(), workspace.timeZone);
    return { body: { at: at?.toISOString() ?? null, timeZone: workspace.timeZone } };
  },
});
