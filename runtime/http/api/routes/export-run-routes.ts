import { defineRoute } from '../api-route.js';
import { audit } from '../audit.js';
import { dataKeyDestroyedResponse, dateTimeSchema, errorResponse, uuidSchema } from '../schemas/common-schemas.js';
import { exportIdParams, runExportBodySchema, runWindowSchema } from '../schemas/export-schemas.js';
import { ParleyError } from '../../../../core/errors.js';
import { checkDestination } from '../../../../exporter/destinations/destination-check.js';
import { destinationConfigOf, loadExport, requireDestination, requireExport } from '../../../../exporter/export-service.js';
import { listRuns, type ExportRun, type RunSelection } from '../../../../storage/export-run-repository.js';

const NO_DESTINATION = errorResponse('The export has no destination (path `/destination`)');

const nullable = (type: string) => ({ type: [type, 'null'] });

/** What "Test connection" answers: ok, or the destination's reason and whether a retry may help. */
export const destinationCheckSchema = {
  type: 'object', additionalProperties: false, required: ['ok'],
  properties: { ok: { type: 'boolean' }, error: { type: 'string' }, retryable: { type: 'boolean' } },
};

export const runSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'run', 'status', 'trigger', 'window', 'rows', 'progressRows', 'bytes', 'sha256', 'fileName', 'destination', 'manifestFile', 'durationMs', 'error', 'attempts', 'queuedAt', 'startedAt', 'finishedAt'],
  properties: {
    id: uuidSchema,
    run: { type: 'integer' },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed'] },
    trigger: { type: 'string' },
    window: runWindowSchema,
    rows: nullable('integer'),
    progressRows: { type: 'integer' },
    bytes: nullable('integer'),
    sha256: nullable('string'),
    fileName: nullable('string'),
    destination: nullable('string'),
    manifestFile: nullable('string'),
    durationMs: nullable('integer'),
    error: nullable('string'),
    attempts: { type: 'integer' },
    queuedAt: dateTimeSchema,
    startedAt: { type: ['string', 'null'], format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

/** A run's participant window for the API: `[from, to)`, or null (every participant or entry). */
function windowJson(selection: RunSelection | null) {
  if (selection === null || selection === 'all') return null;
  return { from: selection.from?.toISOString() ?? null, to: selection.to.toISOString() };
}

export function runJson(run: ExportRun) {
  return {
    id: run.id,
    run: run.runNumber,
    status: run.status,
    trigger: run.trigger,
    window: windowJson(run.selection),
    rows: run.rows,
    progressRows: run.progressRows,
    bytes: run.bytes,
    sha256: run.sha256,
    fileName: run.fileName,
    destination: run.destination,
    manifestFile: run.manifestFile,
    durationMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    error: run.error,
    attempts: run.attempts,
    queuedAt: run.queuedAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

export const listRunsRoute = defineRoute<{ exportId: string }, { limit?: number }>({
  method: 'get',
  path: '/exports/{exportId}/runs',
  operationId: 'listExportRuns',
  summary: 'Run history, newest first: status, trigger, rows, bytes, SHA-256, file, destination, duration, error, progress',
  tag: 'exports',
  params: exportIdParams,
  query: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500 } } },
  responses: { 200: { description: 'Runs', schema: { type: 'object', additionalProperties: false, required: ['runs'], properties: { runs: { type: 'array', items: runSchema } } } } },
  async handler(call) {
    const row = await requireExport(call.services.storage, call.principal.workspaceId, call.params.exportId);
    return { body: { runs: (await listRuns(call.services.storage, call.principal.workspaceId, row.id, call.query.limit ?? 50)).map(runJson) } };
  },
});

export const runExportRoute = defineRoute<{ exportId: string }, unknown, { window?: { from?: string | null; to: string } }>({
  method: 'post',
  path: '/exports/{exportId}/runs',
  operationId: 'runExport',
  summary:
    'Run an export now (queued; follow it in the run history). `window` picks the participants (first seen in [from, to)); ' +
    'without it a daily export exports the window its trigger would use next. The response states the window.',
  tag: 'exports',
  params: exportIdParams,
  body: runExportBodySchema,
  bodyOptional: true,
  responses: { 202: { description: 'Queued, with the window it exports', schema: runSchema }, 409: NO_DESTINATION },
  async handler(call) {
    const loaded = await loadExport(call.services.storage, call.principal.workspaceId, call.params.exportId);
    requireDestination(loaded);
    const asked = call.body.window;
    const requested = asked && { from: asked.from ? new Date(asked.from) : null, to: new Date(asked.to) };
    const run = await call.services.exports.enqueueManual(loaded, requested);
    await audit(call, 'export.run', loaded.row.id);
    return { status: 202, body: runJson(run) };
  },
});

export const testDestinationRoute = defineRoute<{ exportId: string }>({
  method: 'post',
  path: '/exports/{exportId}/destination-test',
  operationId: 'testExportDestination',
  summary: 'Check the destination answers and accepts writes, without exporting data',
  tag: 'exports',
  params: exportIdParams,
  responses: {
    200: {
      description: 'The check result',
      schema: destinationCheckSchema,
    },
    409: NO_DESTINATION,
    410: dataKeyDestroyedResponse,
  },
  async handler(call) {
    const loaded = await loadExport(call.services.storage, call.principal.workspaceId, call.params.exportId);
    const config = await destinationConfigOf(call.services.storage, loaded);
    return { body: await checkDestination(config, { localRoot: call.services.exports.localRoot }) };
  },
});
