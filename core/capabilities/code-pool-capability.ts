/** The code-pool capability modules use (runtime/capabilities builds it over storage). */

export interface CodeAssignment {
  readonly code: string;
  readonly firstTime: boolean;
}

/** Outcome of checking an access code: `valid` carries the code as it was uploaded. */
export type CodeCheck = { readonly status: 'valid'; readonly code: string } | { readonly status: 'used' | 'unknown' };

/** The code pool of the current flow step, for the current session, in the turn's transaction. */
export interface CodePool {
  /** Hands this session a unique code (the same one again if it already has one); null when the pool is exhausted. */
  assign(): Promise<CodeAssignment | null>;
  /** Checks an access code (case-insensitive, trimmed); `singleUse` claims it for this session atomically. */
  check(code: string, options: { readonly singleUse: boolean }): Promise<CodeCheck>;
  /** Failed checks this session made at this step (rows the codes module stored). */
  failedChecks(): Promise<number>;
}

