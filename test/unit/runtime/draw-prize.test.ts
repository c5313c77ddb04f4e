import { describe, expect, it } from 'vitest';
import { ModuleRegistry } from '../../../core/module-registry.js';
import { MODULES } from '../../../modules/index.js';
import { drawPrize } from '../../../runtime/draw-steps.js';
import type { FlowRecord } from '../../../storage/flow-repository.js';

const registry = new ModuleRegistry(MODULES);
const MUG = { id: 'mug', title: 'Mug', description: 'Ceramic' };

/** A saved flow of giveaway steps with these prizes (undefined: none), as far as drawPrize reads it. */
const flowOf = (...prizes: Array<typeof MUG | undefined>) =>
  ({ definition: { name: 'F', steps: prizes.map((prize, i) => ({ id: `g${i}`, module: 'giveaway', config: prize ? { prize } : {} })) } }) as unknown as FlowRecord;

describe('the prize a draw gives', () => {
  it('is the prize of the drawn step, or the one every step of a flow-wide draw names alike', () => {
    expect(drawPrize(flowOf(MUG, undefined), registry, 'g0')).toEqual(MUG);
    expect(drawPrize(flowOf(MUG, undefined), registry, 'g1')).toBeUndefined();
    expect(drawPrize(flowOf(MUG, { ...MUG }), registry)).toEqual(MUG);
    expect(drawPrize(flowOf(MUG, undefined), registry)).toBeUndefined();
    expect(drawPrize(flowOf(MUG, { ...MUG, description: 'Glass' }), registry)).toBeUndefined();
  });
});
