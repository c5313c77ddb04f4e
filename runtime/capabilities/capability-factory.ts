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
 * The capabilities of one step: each is built on first use (most steps use none), then kept for
 * the step.
 *
 * A class, not an object literal with getters: a literal's getters are new closures on every
 * call, and V8 gives each such object a map of its own, allocated in the old generation and
 * pointing to those closures, so the scavenger kept every step's scope (and the turn around it)
 * alive until the next full collection. Measured on the chat path with `--trace-gc-nvp`: see
 * "The open loop's tail" in docs/performance.md.
 */
class StepCapabilities implements ModuleCapabilities {
  readonly #factories: CapabilityFactories;
  readonly #scope: CapabilityScope;
  readonly #wrap: CapabilityWrapper;
  #consent: ModuleCapabilities['consent'] | undefined;
  #codePool: ModuleCapabilities['codePool'] | undefined;
  #instantWin: ModuleCapabilities['instantWin'] | undefined;
  #drawSeeds: ModuleCapabilities['drawSeeds'] | undefined;

  constructor(factories: CapabilityFactories, scope: CapabilityScope, wrap: CapabilityWrapper) {
    this.#factories = factories;
    this.#scope = scope;
    this.#wrap = wrap;
  }

  get consent(): ModuleCapabilities['consent'] {
    return (this.#consent ??= this.#make(this.#factories.consent));
  }

  get codePool(): ModuleCapabilities['codePool'] {
    return (this.#codePool ??= this.#make(this.#factories.codePool));
  }

  get instantWin(): ModuleCapabilities['instantWin'] {
    return (this.#instantWin ??= this.#make(this.#factories.instantWin));
  }

  get drawSeeds(): ModuleCapabilities['drawSeeds'] {
    return (this.#drawSeeds ??= this.#make(this.#factories.drawSeeds));
  }

  #make<T>(factory: CapabilityFactory<T>): T {
    return this.#wrap(factory(this.#scope), factory.reads ?? []);
  }
}

/** The capabilities of one step (see `StepCapabilities`). */
export function buildCapabilities(factories: CapabilityFactories, scope: CapabilityScope, wrap: CapabilityWrapper = (capability) => capability): ModuleCapabilities {
  return new StepCapabilities(factories, scope, wrap);
}
