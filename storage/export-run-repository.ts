import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { inTransaction, transactionLock, type StoreContext } from './store-context.js';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/**
 * Which participants a run exports: those first seen in `[from, to)`, or `'all'` participants;
 * a run without a selection exports every entry its definition reads.
 */
export type RunSelection = { readonly from: Date | null; readonly to: Date } | 'all';
type StoredSelection = { from: string | null; to: string } | 'all';

const storeSelection = (selection: RunSelection | null | undefined): string | null =>
  selection ? JSON.stringify(selection === 'all' ? 'all' : { from: selection.from?.toISOString() ?? null, to: selection.to.toISOString() }) : null;
const readSelection = (stored: StoredSelection | null): RunSelection | null =>
  stored === null ? null : stored === 'all' ? 'all' : { from: stored.from === null ? null : new Date(stored.from), to: new Date(stored.to) };

export interface ExportRun {
  readonly id: string;
  readonly exportId: string;
  readonly workspaceId: string;
  readonly runNumber: number;
  readonly trigger: string;
  readonly occurrenceKey: string | null;
  readonly status: RunStatus;
  readonly definitionVersion: number;
  readonly rows: number | null;
  readonly progressRows: number;
  readonly bytes: number | null;
  readonly sha256: string | null;
  readonly fileName: string | null;
  readonly destination: string | null;
  readonly manifestFile: string | null;
  readonly error: string | null;
  readonly attempts: number;
  readonly cutoffAt: Date | null;
  /** The participant selection: chosen when queued (manual runs), else recorded once delivered. */
  readonly selection: RunSelection | null;
  /** Which claim of the run holds its lease; only that worker may renew, commit or fail it. */
  readonly leaseToken: string | null;
  readonly queuedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

interface Raw {
  id: string; export_id: string; workspace_id: string; run_number: number; trigger: string; occurrence_key: string | null;
  status: RunStatus; definition_version: number; rows: number | null; progress_rows: number; bytes: string | null; sha256: string | null;
  file_name: string | null; destination: string | null; manifest_file: string | null; error: string | null; attempts: number;
  cutoff_at: Date | null; selection: StoredSelection | null; lease_token: string | null; queued_at: Date; started_at: Date | null; finished_at: Date | null;
}

const toRun = (r: Raw): ExportRun => ({
  id: r.id, exportId: r.export_id, workspaceId: r.workspace_id, runNumber: r.run_number, trigger: r.trigger, occurrenceKey: r.occurrence_key,
  status: r.status, definitionVersion: r.definition_version, rows: r.rows, progressRows: r.progress_rows, bytes: r.bytes === null ? null : Number(r.bytes),
  sha256: r.sha256, fileName: r.file_name, destination: r.destination, manifestFile: r.manifest_file, error: r.error, attempts: r.attempts,
  cutoffAt: r.cutoff_at, selection: readSelection(r.selection), leaseToken: r.lease_token, queuedAt: r.queued_at, startedAt: r.started_at, finishedAt: r.finished_at,
});

/**
 * Queues a run. With an occurrence key (a scheduled occurrence), a second call for the same
 * occurrence — from this process or another — creates nothing and returns undefined. `asOf`
 * (the occurrence's instant) is kept as the run's cutoff from the start, so whichever worker
 * ends up executing the run — a retry, or a takeover after its worker died — renders the same window.
 */
export async function queueRun(ctx: StoreContext, input: { exportId: string; workspaceId: string; trigger: string; occurrenceKey?: string; definitionVersion: number; asOf?: Date; selection?: RunSelection }): Promise<ExportRun | undefined> {
  return inTransaction(ctx, async ({ db }) => {
    await transactionLock(`export-runs:${input.exportId}`).execute(db);
    const result = await sql<Raw>`
      insert into export_runs (id, export_id, workspace_id, run_number, trigger, occurrence_key, status, definition_version, queued_at, cutoff_at, selection)
      select ${randomUUID()}, ${input.exportId}, ${input.workspaceId}, coalesce(max(run_number), 0) + 1, ${input.trigger},
        ${input.occurrenceKey ?? null}, 'queued', ${input.definitionVersion}, ${ctx.clock.now()}, ${input.asOf ?? null}, ${storeSelection(input.selection)}::jsonb
      from export_runs where export_id = ${input.exportId}
      on conflict (export_id, occurrence_key) do nothing
      returning *`.execute(db);
    return result.rows[0] ? toRun(result.rows[0]) : undefined;
  });
}

/**
 * Takes a run for this worker: a queued run, or a running one whose lease ran out (its worker
 * died). A second worker holding the same job while the lease is alive gets nothing, so a
 * run is never delivered twice at once. The claim gets a fresh lease token (`leaseToken` of
 * the result): a worker whose lease was taken over can no longer renew, commit or fail the run.
 */
export async function claimRun(ctx: StoreContext, runId: string, leaseMs: number): Promise<ExportRun | undefined> {
  const now = ctx.clock.now();
  const result = await sql<Raw>`
    update export_runs set status = 'running', attempts = attempts + 1, started_at = ${now}, lease_until = ${new Date(now.getTime() + leaseMs)},
      lease_token = ${randomUUID()}, progress_rows = 0, error = null
    where id = ${runId} and (status = 'queued' or (status = 'running' and lease_until < ${now}))
    returning *`.execute(ctx.db);
  return result.rows[0] ? toRun(result.rows[0]) : undefined;
}

/**
 * Runs whose worker died mid-run: still `running`, with a lease nobody renewed before `now`.
 * Their jobs were taken by the dead worker, so they need queuing again; claiming stays exclusive.
 */
export async function listAbandonedRuns(ctx: StoreContext, now: Date, limit = 100): Promise<string[]> {
  const result = await sql<{ id: string }>`
    select id from export_runs where status = 'running' and lease_until < ${now} order by lease_until limit ${limit}`.execute(ctx.db);
  return result.rows.map((r) => r.id);
}

/** The claim a worker holds: the run and the token its claim got. */
export interface RunClaim {
  readonly runId: string;
  readonly leaseToken: string;
}

/** The condition every write of a claimed run is made under: still running, still this claim's lease. */
const heldBy = (claim: RunClaim) => sql`id = ${claim.runId} and status = 'running' and lease_token = ${claim.leaseToken}`;

/**
 * Extends the lease and records progress while a run streams. False when the lease is no longer
 * this claim's: another worker took the run over. (A worker that could not renew in time knows it
 * by its own count and stops, whether or not anyone has taken over yet.)
 */
export async function heartbeatRun(ctx: StoreContext, claim: RunClaim, progressRows: number, leaseMs: number): Promise<boolean> {
  const result = await sql`
    update export_runs set progress_rows = ${progressRows}, lease_until = ${new Date(ctx.clock.now().getTime() + leaseMs)}
    where ${heldBy(claim)}`.execute(ctx.db);
  return Number(result.numAffectedRows ?? 0) === 1;
}

/** Records a delivered run; false (nothing written) when the claim no longer holds the run. */
export async function succeedRun(ctx: StoreContext, claim: RunClaim, result: { rows: number; bytes: number; sha256: string; fileName: string; destination: string; manifestFile: string | null; cutoffAt: Date; selection: RunSelection | null }): Promise<boolean> {
  const outcome = await sql`
    update export_runs set status = 'succeeded', rows = ${result.rows}, progress_rows = ${result.rows}, bytes = ${result.bytes}, sha256 = ${result.sha256},
      file_name = ${result.fileName}, destination = ${result.destination}, manifest_file = ${result.manifestFile}, cutoff_at = ${result.cutoffAt},
      selection = ${storeSelection(result.selection)}::jsonb, finished_at = ${ctx.clock.now()}, lease_until = null, lease_token = null, error = null
    where ${heldBy(claim)}`.execute(ctx.db);
  return Number(outcome.numAffectedRows ?? 0) === 1;
}

/**
 * Records a failure: `final` ends the run failed; otherwise it goes back to queued for a retry.
 * False (nothing written) when the claim no longer holds the run.
 */
export async function failRun(ctx: StoreContext, claim: RunClaim, error: string, final: boolean): Promise<boolean> {
  const outcome = await sql`
    update export_runs set status = ${final ? 'failed' : 'queued'}, error = ${error.slice(0, 500)}, lease_until = null, lease_token = null,
      finished_at = ${final ? ctx.clock.now() : null}
    where ${heldBy(claim)}`.execute(ctx.db);
  return Number(outcome.numAffectedRows ?? 0) === 1;
}

/**
 * Queued runs that have no live job (created, retrying or active) in the job queue's
 * `export-run` queue and were queued before `queuedBefore`: their process died between queuing
 * the run and sending its job (or a retry's job). `jobSchema` is the job queue's schema.
 */
export async function listOrphanedQueuedRuns(ctx: StoreContext, jobSchema: string, queuedBefore: Date, limit = 100): Promise<string[]> {
  const result = await sql<{ id: string }>`
    select r.id from export_runs r
    where r.status = 'queued' and r.queued_at < ${queuedBefore}
      and not exists (
        select 1 from ${sql.table(`${jobSchema}.job`)} j
        where j.name = 'export-run' and j.state < 'completed' and j.data->>'runId' = r.id::text)
    order by r.queued_at limit ${limit}`.execute(ctx.db);
  return result.rows.map((r) => r.id);
}

export async function getRun(ctx: StoreContext, runId: string): Promise<ExportRun | undefined> {
  const result = await sql<Raw>`select * from export_runs where id = ${runId}`.execute(ctx.db);
  return result.rows[0] ? toRun(result.rows[0]) : undefined;
}

export async function listRuns(ctx: StoreContext, workspaceId: string, exportId: string, limit: number): Promise<ExportRun[]> {
  const result = await sql<Raw>`
    select * from export_runs where export_id = ${exportId} and workspace_id = ${workspaceId}
    order by run_number desc limit ${limit}`.execute(ctx.db);
  return result.rows.map(toRun);
}

/** The cutoff (as-of time) of the export's last successful run, for "new since last run". */
export async function lastSuccessCutoff(ctx: StoreContext, exportId: string): Promise<Date | null> {
  const result = await sql<{ cutoff_at: Date | null }>`
    select cutoff_at from export_runs where export_id = ${exportId} and status = 'succeeded'
    order by run_number desc limit 1`.execute(ctx.db);
  return result.rows[0]?.cutoff_at ?? null;
}

/** One run of an export in a workspace (undefined when the run, or its export, is not there). */
export async function getExportRun(ctx: StoreContext, workspaceId: string, exportId: string, runId: string): Promise<ExportRun | undefined> {
  const result = await sql<Raw>`select * from export_runs where id = ${runId} and export_id = ${exportId} and workspace_id = ${workspaceId}`.execute(ctx.db);
  return result.rows[0] ? toRun(result.rows[0]) : undefined;
}

/** The latest run of every export of a workspace that has run, keyed by export id (one statement). */
export async function latestRuns(ctx: StoreContext, workspaceId: string): Promise<Map<string, ExportRun>> {
  const result = await sql<Raw>`
    select distinct on (export_id) * from export_runs where workspace_id = ${workspaceId}
    order by export_id, run_number desc`.execute(ctx.db);
  return new Map(result.rows.map((row) => [row.export_id, toRun(row)]));
}
