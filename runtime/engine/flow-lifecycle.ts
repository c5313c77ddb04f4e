import type { Clock } from '../../core/clock.js';
import type { FlowLifecycleContext } from '../../core/module-contract.js';
import type { ModuleRegistry } from '../../core/module-registry.js';
import { ParleyError } from '../../core/errors.js';
import { buildCapabilities, type CapabilityFactories } from '../capabilities/capability-factory.js';
import { validateFlowDocument } from '../../core/flow-definition.js';
import { inTransaction, type StoreContext } from '../../storage/store-context.js';
import { closeFlow, getFlow, saveFlow, type FlowRecord } from '../../storage/flow-repository.js';
import type { Workspace } from '../../storage/workspace-repository.js';
import { recordWebhookEvent } from '../../storage/webhook-outbox.js';

export interface FlowLifecycleDeps {
  readonly storage: StoreContext;
  readonly registry: ModuleRegistry;
  readonly clock: Clock;
  readonly capabilities: CapabilityFactories;
  /** What reacts to a flow's closure (exports at closure), after the close has committed. */
  readonly afterClose?: (workspaceId: string, slug: string) => Promise<void>;
}

type Hook = 'onFlowSaved' | 'onFlowClosed';

/** A closure's `flow.closed` webhook event, written in the closing transaction. */
function recordClosure(deps: FlowLifecycleDeps, trx: StoreContext, workspace: Workspace, flow: FlowRecord): Promise<boolean> {
  return recordWebhookEvent(trx.db, { workspaceId: workspace.id, type: 'flow.closed', flowId: flow.id, sourceTable: 'flows', sourceId: flow.id, at: deps.clock.now() });
}

async function runHooks(deps: FlowLifecycleDeps, trx: StoreContext, workspace: Workspace, flow: FlowRecord, hook: Hook): Promise<void> {
  const definition = flow.definition;
  for (const step of definition.steps) {
    const module = deps.registry.get(step.module)?.definition;
    const run = module?.[hook];
    if (!module || !run) continue;
    const scope = {
      ctx: trx,
      workspace: { id: workspace.id, timeZone: workspace.timeZone, storageEnabled: workspace.storageEnabled && !workspace.storageOffModules.includes(module.id) },
      flowId: flow.id,
      stepId: step.id,
      session: undefined,
      module,
      flow,
    };
    const capabilities = buildCapabilities(deps.capabilities, scope);
    const ctx: FlowLifecycleContext<unknown> = {
      config: step.config,
      stepId: step.id,
      workspace: { id: workspace.id, timeZone: workspace.timeZone },
      flow: { id: flow.id, slug: flow.slug, hashId: flow.hashId, name: flow.name, opensAt: flow.opensAt, closesAt: flow.closesAt },
      clock: deps.clock,
      capabilities,
    };
    await run.call(module, ctx);
  }
}

/**
 * Validates and saves a flow document; modules' `onFlowSaved` hooks run in the same transaction.
 * A save that turns an open flow closed is a closure: close hooks, the `flow.closed` webhook event
 * and closure reactions run. With `createOnly`, a flow already at `slug` is left alone (409).
 */
export async function saveFlowDocument(
  deps: FlowLifecycleDeps,
  workspace: Workspace,
  slug: string,
  document: unknown,
  options: { readonly createOnly?: boolean } = {},
): Promise<{ flow: FlowRecord; created: boolean }> {
  const valid = validateFlowDocument(document, deps.registry, { storageEnabled: workspace.storageEnabled, storageOffModules: workspace.storageOffModules });
  let closedNow = false;
  const result = await inTransaction(deps.storage, async (trx) => {
    const before = await getFlow(trx.db, workspace.id, slug);
    const taken = () => new ParleyError('conflict', 'A flow with this id already exists: choose another', { path: '/slug' });
    if (before && options.createOnly) throw taken();
    const saved = await saveFlow(trx.db, workspace.id, slug, {
      name: valid.name,
      status: valid.status ?? 'open',
      opensAt: valid.opensAt ? new Date(valid.opensAt) : null,
      closesAt: valid.closesAt ? new Date(valid.closesAt) : null,
      definition: { start: valid.start, steps: valid.steps },
    }, deps.clock.now());
    // Another save made the flow after `before` was read (two copies racing for one id): undone.
    if (options.createOnly && !saved.created) throw taken();
    if (saved.flow.status === 'open') await runHooks(deps, trx, workspace, saved.flow, 'onFlowSaved');
    else if (before?.status === 'open') {
      closedNow = true;
      await runHooks(deps, trx, workspace, before, 'onFlowClosed');
      await recordClosure(deps, trx, workspace, saved.flow);
    }
    return saved;
  });
  if (closedNow) await deps.afterClose?.(workspace.id, slug);
  return result;
}

/** Closes a flow once; modules' `onFlowClosed` hooks run and `flow.closed` is recorded when this call closed it. */
export async function closeFlowNow(deps: FlowLifecycleDeps, workspace: Workspace, slug: string): Promise<{ flow: FlowRecord; closedNow: boolean }> {
  const closed = await inTransaction(deps.storage, async (trx) => {
    const result = await closeFlow(trx.db, workspace.id, slug, deps.clock.now());
    if (!result) throw new ParleyError('not_found', 'No such flow');
    if (result.closedNow) {
      await runHooks(deps, trx, workspace, result.flow, 'onFlowClosed');
      await recordClosure(deps, trx, workspace, result.flow);
    }
    return result;
  });
  if (closed.closedNow) await deps.afterClose?.(workspace.id, slug);
  return closed;
}
