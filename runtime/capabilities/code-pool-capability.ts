import type { CapabilityFactory } from '../engine/flow-engine.js';
import { assignCode, checkCode, countFailedChecks, type CodeAssignment, type CodeCheck, type CodePoolKey } from '../../storage/code-pool-repository.js';

/** The name modules read it under: `ctx.capabilities.codePool`. */
export const CODE_POOL_CAPABILITY = 'codePool';

/** The code pool of the current flow step, for the current session, in the turn's transaction. */
export interface CodePool {
  /** Hands this session a unique code (the same one again if it already has one); null when the pool is exhausted. */
  assign(): Promise<CodeAssignment | null>;
  /** Checks an access code (case-insensitive, trimmed); `singleUse` claims it for this session atomically. */
  check(code: string, options: { readonly singleUse: boolean }): Promise<CodeCheck>;
  /** Failed checks this session made at this step (rows the codes module stored). */
  failedChecks(): Promise<number>;
}

/** Builds the code pool capability over storage/code-pool-repository for one step scope. */
export const codePoolCapability: CapabilityFactory = (scope): CodePool => {
  const { ctx } = scope;
  const pool: CodePoolKey = { workspaceId: scope.workspace.id, flowId: scope.flowId, stepId: scope.stepId };
  return {
    assign: () => assignCode(ctx.db, pool, scope.session.id, ctx.clock.now()),
    check: (code, options) => checkCode(ctx.db, pool, code, { sessionId: scope.session.id, singleUse: options.singleUse, now: ctx.clock.now() }),
    failedChecks: () => countFailedChecks(ctx.db, pool, scope.session, ctx.clock.now()),
  };
};
/** `failedChecks` counts the codes module's rows. */
Object.assign(codePoolCapability, { reads: ['codes'] });
