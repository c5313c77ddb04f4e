import type { CapabilityFactory } from './engine/flow-engine.js';

/**
 * The capabilities the runtime offers modules beyond their store, by name: the hand-written
 * list (each a narrow interface over storage). Modules read them as `ctx.capabilities.<name>`.
 */
export const CAPABILITIES: Readonly<Record<string, CapabilityFactory>> = Object.freeze({});
