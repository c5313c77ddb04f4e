import type { RunOutcome } from '../../exporter/run/export-runner.js';
import type { RunClaim } from '../../storage/export-run-repository.js';

/**
 * The V8 flags an export run's process starts with: the CLI's (the first line of bin/parley.js,
 * README "Operator CLI"), which keep a batch's rows in the young generation for the whole export.
 * The server's own flags (its 64 MB semi-spaces, kept for the chat path) are not passed on.
 */
export const EXPORT_NODE_FLAGS: readonly string[] = ['--min-semi-space-size=16', '--no-memory-reducer', '--no-allocation-site-pretenuring'];

/**
 * Connections of a process that runs an export (the server's run process, the CLI): two as long
 * as it streams (its entries, their related rows), a third while it collects the flow's returning
 * subjects (`RelatedConnection`), and a fourth that renews the run's lease. With too few, a run
 * longer than its lease lost it.
 */
export const EXPORT_POOL_SIZE = 4;

/** What the server sends a run's process for each run: the run, and how to reach the database (the same for every run). */
export interface RunRequest {
  readonly runId: string;
  /** The occurrence instant a scheduled run is "as of" (ISO); null: now. */
  readonly asOf: string | null;
  readonly connectionString: string;
  readonly masterKey: string;
  readonly previousMasterKeys: readonly string[];
  readonly localRoot: string;
  readonly leaseMs: number;
  readonly logLevel: string;
}

/**
 * What that process tells the server of each run: the claim as soon as it holds the run, then the
 * outcome, with the process's peak RSS so far (`maxRssMb`) and its RSS now (`rssMb`).
 */
export type RunReport =
  | { readonly type: 'claimed'; readonly claim: RunClaim; readonly attempts: number }
  | { readonly type: 'done'; readonly outcome: RunOutcome; readonly maxRssMb: number; readonly rssMb: number };
