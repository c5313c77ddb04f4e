import type { CapabilityFactories } from './capabilities/capability-factory.js';
import { codePoolCapability } from './capabilities/code-pool-capability.js';
import { consentCapability } from './capabilities/consent-capability.js';
import { drawSeedCapability } from './capabilities/draw-seed-capability.js';
import { instantWinCapability } from './capabilities/instant-win-capability.js';

/**
 * The capabilities the runtime offers modules beyond their store: one factory per member of the
 * module contract's `ModuleCapabilities` (each a narrow interface over storage).
 */
export const CAPABILITIES: CapabilityFactories = Object.freeze({
  consent: consentCapability,
  codePool: codePoolCapability,
  instantWin: instantWinCapability,
  drawSeeds: drawSeedCapability,
});
