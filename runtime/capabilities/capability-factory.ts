import type { ModuleCapabilities } from '../../core/module-contract.js';
import type { StoreTable } from '../../core/store-tables.js';
import type { FlowRecord } from '../../storage/flow-repository.js';
import type { SessionState } from '../../storage/session-repository.js';
import type { ModuleStoreScope } from '../engine/module-store.js';

/** What a capability is built for: one step of one flow, in the caller's transaction; `session` only in a chat turn. */
export type CapabilityScope = Omit<ModuleStoreScope, 'session'> & { readonly session: SessionState | undefined; readonly flow: FlowRecord };

/**
 * Builds one capability for a step. `reads` names the store tables its methods read: a turn's
 * held rows of those tables are written before such a method runs.
 */
export type CapabilityFactory<T> = ((scope: CapabilityScope) => T) & { readonly reads?: readonly StoreTable[] };

/** One factory per capability of the module contract (runtime/capabilities.ts lists them). */
export type CapabilityFactories = { readonly [K in keyof ModuleCapabilities]: CapabilityFactory<ModuleCapabilities[K]> };

/** Wraps a built capability, e.g. so a chat turn flushes its held rows before a method reads them. */
export type CapabilityWrapper = <T>(capability: T, reads: readonly StoreTable[]) => T;

/** The session of a chat turn, or a clear error when a capability that needs one runs outside a turn. */
export function turnSession(scope: CapabilityScope, capability: string): SessionState {
  if (!scope.session) throw new Error(`The ${capability} capability was used outside a chat turn`);
  return scope.session;
}

/**
 * The capabilities of one step as a plain typed object: each is built on first use (most steps use
 * none), then kept for the step.
 */
export function buildCapabilities(factories: CapabilityFactories, scope: CapabilityScope, wrap: CapabilityWrapper = (capability) => capability): ModuleCapabilities {
  const make = <T>(factory: CapabilityFactory<T>): T => wrap(factory(scope), factory.reads ?? []);
  let consent: ModuleCapabilities['consent'] | undefined;
  let codePool: ModuleCapabilities['codePool'] | undefined;
  let instantWin: ModuleCapabilities['instantWin'] | undefined;
  let drawSeeds: ModuleCapabilities['drawSeeds'] | undefined;
  return {
    get consent() {
      return (consent ??= make(factories.consent));
    },
    get codePool() {
      return (codePool ??= make(factories.codePool));
    },
    get instantWin() {
      return (instantWin ??= make(factories.instantWin));
    },
    get drawSeeds() {
      return (drawSeeds ??= make(factories.drawSeeds));
    },
  };
}
