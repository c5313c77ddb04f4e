import type { ModuleCapabilities } from '../../core/module-contract.js';

/**
 * A module's capabilities for a unit test: the ones given, and for every other one a getter that
 * fails the test if the module reaches for it.
 */
export function fakeCapabilities(given: Partial<ModuleCapabilities>): ModuleCapabilities {
  const missing = (name: string) => (): never => {
    throw new Error(`the module used the ${name} capability, which this test does not provide`);
  };
  return {
    get consent() {
      return given.consent ?? missing('consent')();
    },
    get codePool() {
      return given.codePool ?? missing('codePool')();
    },
    get instantWin() {
      return given.instantWin ?? missing('instantWin')();
    },
    get drawSeeds() {
      return given.drawSeeds ?? missing('drawSeeds')();
    },
  };
}
