import type { CapabilityFactory } from './engine/flow-engine.js';
import { CODE_POOL_CAPABILITY, codePoolCapability } from './capabilities/code-pool-capability.js';

/**
 * The capabilities the runtime offers modules beyond their store, by name: the hand-written
 * list (each a narrow interface over storage). Modules read them as `ctx.capabilities.<name>`.
 */
export const CAPABILITIES: Readonly<Record<string, CapabilityFactory>> = Object.freeze({
  [CODE_POOL_CAPABILITY]: codePoolCapability,
});
