import type { CapabilityFactory } from './engine/flow-engine.js';
import { CODE_POOL_CAPABILITY } from '../core/capabilities/code-pool-capability.js';
import { codePoolCapability } from './capabilities/code-pool-capability.js';
import { CONSENT_CAPABILITY } from '../core/capabilities/consent-capability.js';
import { consentCapability } from './capabilities/consent-capability.js';
import { INSTANT_WIN_CAPABILITY } from '../core/capabilities/instant-win-capability.js';
import { instantWinCapability } from './capabilities/instant-win-capability.js';
import { DRAW_SEED_CAPABILITY, drawSeedCapability } from './capabilities/draw-seed-capability.js';

/**
 * The capabilities the runtime offers modules beyond their store, by name: the hand-written
 * list (each a narrow interface over storage). Modules read them as `ctx.capabilities.<name>`.
 */
export const CAPABILITIES: Readonly<Record<string, CapabilityFactory>> = Object.freeze({
  [CONSENT_CAPABILITY]: consentCapability,
  [CODE_POOL_CAPABILITY]: codePoolCapability,
  [INSTANT_WIN_CAPABILITY]: instantWinCapability,
  [DRAW_SEED_CAPABILITY]: drawSeedCapability,
});
