import { describe, expect, it } from 'vitest';
import { buildCapabilities, type CapabilityFactories, type CapabilityFactory, type CapabilityScope } from '../../../runtime/capabilities/capability-factory.js';
import type { StoreTable } from '../../../core/store-tables.js';

/** Factories that count their builds and return a marker naming what they built and for which scope. */
function countingFactories() {
  const builds: string[] = [];
  const factory = (name: string, reads?: readonly StoreTable[]) =>
    Object.assign((scope: CapabilityScope) => {
      builds.push(name);
      return { name, stepId: scope.stepId };
    }, reads ? { reads } : {}) as unknown as CapabilityFactory<never>;
  const factories = {
    consent: factory('consent', ['consents']),
    codePool: factory('codePool'),
    instantWin: factory('instantWin', ['winners']),
    drawSeeds: factory('drawSeeds'),
  } as CapabilityFactories;
  return { factories, builds };
}

const scope = { stepId: 'win' } as unknown as CapabilityScope;

describe('buildCapabilities', () => {
  it('builds a capability on its first use only, for the step’s scope, and builds none that is not used', () => {
    const { factories, builds } = countingFactories();
    const capabilities = buildCapabilities(factories, scope);
    expect(builds).toEqual([]);
    const first = capabilities.instantWin;
    expect(capabilities.instantWin).toBe(first);
    expect(first).toEqual({ name: 'instantWin', stepId: 'win' });
    expect(builds).toEqual(['instantWin']);
    void capabilities.drawSeeds;
    expect(builds).toEqual(['instantWin', 'drawSeeds']);
  });

  it('wraps each capability once, with the store tables its methods read', () => {
    const { factories } = countingFactories();
    const wrapped: Array<{ name: string; reads: readonly StoreTable[] }> = [];
    const capabilities = buildCapabilities(factories, scope, <T>(capability: T, reads: readonly StoreTable[]) => {
      wrapped.push({ name: (capability as { name: string }).name, reads });
      return { wrapped: capability } as T;
    });
    expect(capabilities.consent).toEqual({ wrapped: { name: 'consent', stepId: 'win' } });
    void capabilities.consent;
    void capabilities.codePool;
    expect(wrapped).toEqual([
      { name: 'consent', reads: ['consents'] },
      { name: 'codePool', reads: [] },
    ]);
  });

  it('keeps each step’s capabilities apart', () => {
    const { factories, builds } = countingFactories();
    const one = buildCapabilities(factories, scope);
    const other = buildCapabilities(factories, { stepId: 'draw' } as unknown as CapabilityScope);
    expect(one.codePool).not.toBe(other.codePool);
    expect(other.codePool).toEqual({ name: 'codePool', stepId: 'draw' });
    expect(builds).toEqual(['codePool', 'codePool']);
  });
});
