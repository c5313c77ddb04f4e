import { pipeline, Readable } from 'node:stream';
import { setTimeout } from 'node:timers/promises';
import type { Logger } from '../../core/logger.js';
import { createDestination, type DestinationConfig } from '../destinations/create-destination.js';
import type { Destination } from '../destinations/destination.js';
import { encryptWithGpg } from '../encryption/gpg-encryption.js';
import { destinationConfigOf, loadExport, renderLoadedExport, type ExportStorage } from '../export-service.js';
import { LeaseLostError, RunLease } from './run-lease.js';
import { planRun } from './run-plan.js';
import { runFileName } from './run-file-name.js';
import { watchedUpload } from './watched-upload.js';
import type { ModuleRegistry } from '../../core/module-registry.js';
import { DestinationError, toParleyError } from '../../core/errors.js';
import { claimRun, failRun, lastSuccessCutoff, succeedRun, type ExportRun, type RunClaim } from '../../storage/export-run-repository.js';

export interface RunnerDeps {
  readonly storage: ExportStorage;
  readonly registry: ModuleRegistry;
  readonly localRoot: string;
  readonly logger: Logger;
  /** A run's lease: another worker may take a run over once its lease has run out. */
  readonly leaseMs?: number;
  /** Attempts before a retryable failure ends the run failed. */
  readonly maxAttempts?: number;
  /** Builds destinations (tests may wrap them). */
  readonly destinationFor?: (config: DestinationConfig) => Destination;
  /** An upload that moves no byte for this long is aborted as a retryable failure. */
  readonly stallMs?: number;
  /** Told the claim as soon as the run is claimed (a process that runs it for another hands it back: see `ExportRunProcesses`). */
  readonly onClaimed?: (claim: RunClaim, attempts: number) => void;
}

/** `lease_lost`: this worker lost the run's lease mid-run and left the run to whoever holds it now. */
export type RunOutcome = 'succeeded' | 'failed' | 'retry' | 'skipped' | 'lease_lost';

const LEASE_MS = 120_000;
/** Attempts before a retryable failure ends a run failed, unless `RunnerDeps.maxAttempts` says otherwise. */
export const MAX_ATTEMPTS = 3;
/** Long enough for a destination to finish its last buffered parts after the source has ended. */
const STALL_MS = 300_000;

/** A safe one-line reason for the run history: the error's message when it is ours, else a generic one. */
function reason(error: unknown): string {
  const e = toParleyError(error);
  return e.code === 'internal' ? 'Internal error while exporting' : `${e.code}: ${e.message}`;
}

/**
 * Executes one queued run: renders the export as a stream (records → mapping → serializer →
 * optional GPG) into its destination, which writes a temporary name and renames it when whole.
 * The run is claimed with a lease so two workers never deliver it at once; progress is recorded
 * as it streams. A worker that loses the lease (cut off from the database longer than the
 * lease, or taken over) aborts its upload, commits nothing — no rename, no completed upload —
 * and writes nothing to the run ('lease_lost'). Returns 'retry' when a retryable failure should
 * be tried again (the caller's queue backs off), 'failed' when it is final.
 */
export async function executeRun(deps: RunnerDeps, runId: string, asOf: Date | null = null): Promise<RunOutcome> {
  const { storage } = deps;
  const leaseMs = deps.leaseMs ?? LEASE_MS;
  const run = await claimRun(storage, runId, leaseMs);
  if (!run) return 'skipped';
  const claim = { runId: run.id, leaseToken: run.leaseToken! };
  deps.onClaimed?.(claim, run.attempts);
  let progress = 0;
  const lease = new RunLease(storage, claim, leaseMs, () => progress);
  const leaseLost = () => {
    deps.logger.warn({ runId: run.id, exportId: run.exportId }, 'export run lease lost: left to its current holder');
    return 'lease_lost' as const;
  };
  try {
    // A run queued for an occurrence carries its instant: a takeover job that lacks it renders the same window.
    const result = await deliver(deps, run, asOf ?? run.cutoffAt ?? storage.clock.now(), lease, (rows) => (progress = rows));
    return (await succeedRun(storage, lease.claim, result)) ? 'succeeded' : leaseLost();
  } catch (error) {
    if (lease.lost || error instanceof LeaseLostError) return leaseLost();
    const retryable = error instanceof DestinationError && error.retryable;
    const final = !retryable || run.attempts >= (deps.maxAttempts ?? MAX_ATTEMPTS);
    // A failure that cannot be recorded (the database is out of reach) is left to the lease: once
    // it runs out, the run is queued again.
    const recorded = await failRun(storage, lease.claim, reason(error), final).catch(() => false);
    if (!recorded) return leaseLost();
    deps.logger.warn({ runId: run.id, exportId: run.exportId, code: toParleyError(error).code, final }, 'export run failed');
    return final ? 'failed' : 'retry';
  } finally {
    lease.stop();
  }
}

async function deliver(deps: RunnerDeps, run: ExportRun, asOf: Date, lease: RunLease, onProgress: (rows: number) => void) {
  const { storage } = deps;
  const loaded = await loadExport(storage, run.workspaceId, run.exportId);
  const { row: stored, workspace, definition } = loaded;
  const destinationConfig = await destinationConfigOf(storage, loaded);
  const { selection, cutoffAt, waitMs } = planRun(run, definition, asOf, storage.clock.now(), workspace.timeZone, await lastSuccessCutoff(storage, run.exportId));
  if (waitMs > 0) await setTimeout(waitMs, undefined, { signal: lease.signal });
  const { flow, rendered } = await renderLoadedExport(storage, deps.registry, loaded, { ...(selection && { selection }), onProgress });
  const encrypted = definition.encryption !== undefined;
  const fileName = runFileName(definition.fileNamePattern, {
    exportName: definition.name,
    flowName: flow?.name ?? ('table' in definition.source ? definition.source.table : ''),
    now: asOf,
    timeZone: workspace.timeZone,
    run: run.runNumber,
    extension: rendered.serializer.extension,
  }, encrypted);
  const body = encrypted ? await encryptWithGpg(rendered.output, definition.encryption!.publicKey) : rendered.output;
  const destination = (deps.destinationFor ?? ((config) => createDestination(config, { localRoot: deps.localRoot })))(destinationConfig);
  const stallMs = deps.stallMs ?? STALL_MS;
  // Nothing is committed unless the lease is confirmed: before a rename, and as the data ends
  // (S3 and GCS complete an upload as their input ends).
  const commit = { beforeCommit: () => lease.confirm() };
  const gated = pipeline(body, lease.commitGate(), () => undefined);
  const receipt = await watchedUpload(destination, gated, { fileName, contentType: encrypted ? 'application/pgp-encrypted' : rendered.serializer.contentType, ...commit }, stallMs, lease.signal);
  let manifestFile: string | null = null;
  if (definition.manifest) {
    manifestFile = `${fileName}.manifest.json`;
    const manifest = JSON.stringify({ file: fileName, rows: rendered.rows(), bytes: receipt.bytes, sha256: receipt.sha256, definitionVersion: stored.version, run: run.runNumber, generatedAt: asOf.toISOString() }, null, 2);
    const manifestBody = pipeline(Readable.from([Buffer.from(`${manifest}\n`)]), lease.commitGate(), () => undefined);
    await watchedUpload(destination, manifestBody, { fileName: manifestFile, contentType: 'application/json', ...commit }, stallMs, lease.signal);
  }
  return { rows: rendered.rows(), bytes: receipt.bytes, sha256: receipt.sha256, fileName, destination: receipt.location, manifestFile, cutoffAt, selection };
}
