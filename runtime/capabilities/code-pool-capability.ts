import { turnSession, type CapabilityFactory } from './capability-factory.js';
import type { CodePool } from '../../core/capabilities/code-pool-capability.js';
import { assignCode, checkCode, countFailedChecks, type CodePoolKey } from '../../storage/code-pool-repository.js';

/** Builds the code pool capability over storage/code-pool-repository for one step scope. */
export const codePoolCapability: CapabilityFactory<CodePool> = (scope): CodePool => {
  const { ctx } = scope;
  const pool: CodePoolKey = { workspaceId: scope.workspace.id, flowId: scope.flowId, stepId: scope.stepId };
  return {
    assign: () => assignCode(ctx.db, pool, turnSession(scope, 'code pool').id, ctx.clock.now()),
    check: (code, options) => checkCode(ctx.db, pool, code, { sessionId: turnSession(scope, 'code pool').id, singleUse: options.singleUse, now: ctx.clock.now() }),
    failedChecks: () => countFailedChecks(ctx.db, { ...pool, moduleId: scope.module.id }, turnSession(scope, 'code pool'), ctx.clock.now()),
  };
};
/** `failedChecks` counts the codes module's rows. */
Object.assign(codePoolCapability, { reads: ['codes'] });
