import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ModuleRegistry } from '../../core/module-registry.js';
import { validateFlowDocument } from '../../core/flow-definition.js';
import type { ParleyError } from '../../core/errors.js';
import { emailCaptureModule } from '../email-capture/email-capture-module.js';
import { instantWinModule } from './instant-win-module.js';
import { planOf, type InstantWinConfig } from './instant-win-config.js';
import { drawConflict, drawMoments, isoFormatter, pickWeighted, rollOdds, samePlan, sortMoments } from './instant-win-draw.js';
import { canonicalJson, commitmentOf, newSalt, verifyCommitment, type RevealedDraw } from './instant-win-commitment.js';

const registry = new ModuleRegistry([emailCaptureModule, instantWinModule]);

function refusal(config: Record<string, unknown>, storageEnabled = true): { code: string; path: string | undefined } | 'accepted' {
  try {
    validateFlowDocument({ name: 'x', steps: [{ id: 'win', module: 'instant-win', config }] }, registry, { storageEnabled });
    return 'accepted';
  } catch (error) {
    return { code: (error as ParleyError).code, path: (error as ParleyError).path };
  }
}

const prizes = [{ id: 'tee', title: 'A T-shirt', stock: 3 }];
const window = { opensAt: new Date('2025-03-01T00:00:00.000Z'), closesAt: new Date('2025-03-02T00:00:00.000Z') };

/** A scripted source of "random" integers, so draws are reproducible in tests. */
function scripted(values: number[]): (max: number) => number {
  let i = 0;
  return (max) => {
    const value = values[i++ % values.length]!;
    if (value >= max) throw new RangeError('scripted value out of range');
    return value;
  };
}

describe('instant-win config', () => {
  it('accepts a minimal moments config and an odds config', () => {
    expect(refusal({ prizes })).toBe('accepted');
    expect(refusal({ prizes, mode: 'odds', odds: 0.25, maxWinsPerParticipant: 2, winText: 'You won {{prize}}', loseText: 'No', emailVariable: 'mail' })).toBe('accepted');
  });

  it('refuses bad configs with the JSON path of the problem', () => {
    expect(refusal({ prizes: [] })).toEqual({ code: 'validation_failed', path: '/steps/0/config/prizes' });
    expect(refusal({ prizes: [{ id: 'tee', title: 'T', stock: 0 }] })).toEqual({ code: 'validation_failed', path: '/steps/0/config/prizes/0/stock' });
    expect(refusal({ prizes: [{ id: 'tee', title: 'T', stock: 100_001 }] })).toEqual({ code: 'validation_failed', path: '/steps/0/config/prizes/0/stock' });
    expect(refusal({ prizes: [...prizes, { id: 'tee', title: 'Again', stock: 1 }] })).toEqual({ code: 'config_invalid', path: '/steps/0/config/prizes/1/id' });
    expect(refusal({ prizes, mode: 'odds' })).toEqual({ code: 'config_invalid', path: '/steps/0/config/odds' });
    expect(refusal({ prizes, odds: 0.5 })).toEqual({ code: 'config_invalid', path: '/steps/0/config/odds' });
    expect(refusal({ prizes, mode: 'odds', odds: 0 })).toEqual({ code: 'validation_failed', path: '/steps/0/config/odds' });
    expect(refusal({ prizes, mode: 'odds', odds: 1.5 })).toEqual({ code: 'validation_failed', path: '/steps/0/config/odds' });
    expect(refusal({ prizes, maxWinsPerParticipant: 0 })).toEqual({ code: 'validation_failed', path: '/steps/0/config/maxWinsPerParticipant' });
    const many = Array.from({ length: 11 }, (_, i) => ({ id: `p${i}`, title: 'P', stock: 100_000 }));
    expect(refusal({ prizes: many })).toEqual({ code: 'config_invalid', path: '/steps/0/config/prizes' });
  });

  it('is refused on a workspace with storage off', () => {
    expect(refusal({ prizes }, false)).toEqual({ code: 'storage_disabled', path: '/steps/0/module' });
  });

  it('plans from mode and stock only', () => {
    const config: InstantWinConfig = { prizes: [{ id: 'a', title: 'A', description: 'd', stock: 2 }, { id: 'b', title: 'B', stock: 1 }] };
    expect(planOf(config)).toEqual({ mode: 'moments', prizes: [{ id: 'a', stock: 2 }, { id: 'b', stock: 1 }] });
  });
});

describe('instant-win draws', () => {
  it('draws one moment per unit inside [opensAt, closesAt), in canonical order', () => {
    const span = window.closesAt.getTime() - window.opensAt.getTime();
    const moments = drawMoments({ mode: 'moments', prizes: [{ id: 'b', stock: 2 }, { id: 'a', stock: 1 }] }, window, scripted([span - 1, 0, 0]));
    expect(moments).toEqual([
      { prizeId: 'a', moment: '2025-03-01T00:00:00.000Z' },
      { prizeId: 'b', moment: '2025-03-01T00:00:00.000Z' },
      { prizeId: 'b', moment: '2025-03-01T23:59:59.999Z' },
    ]);
  });

  it('spreads crypto-random moments over the whole window', () => {
    const moments = drawMoments({ mode: 'moments', prizes: [{ id: 'x', stock: 4000 }] }, window);
    const quarters = [0, 0, 0, 0];
    const span = window.closesAt.getTime() - window.opensAt.getTime();
    const instants = moments.map((m) => new Date(m.moment).getTime());
    expect(Math.min(...instants)).toBeGreaterThanOrEqual(window.opensAt.getTime());
    expect(Math.max(...instants)).toBeLessThan(window.closesAt.getTime());
    for (const at of instants) quarters[Math.floor(((at - window.opensAt.getTime()) / span) * 4)]! += 1;
    // Each quarter expects 1000 (σ ≈ 27); 800 is more than 7σ away.
    for (const count of quarters) expect(count).toBeGreaterThan(800);
  });

  it('formats instants exactly like Date#toISOString', () => {
    const iso = isoFormatter();
    const samples = [0, 1, 999, 86_399_999, 86_400_000, -1, -86_400_001, Date.parse('2024-02-29T23:59:59.999Z'), Date.parse('1969-12-31T00:00:00.010Z')];
    for (let i = 0; i < 2000; i += 1) samples.push(Math.floor((Math.random() - 0.3) * 4e12));
    expect(samples.map(iso)).toEqual(samples.map((ms) => new Date(ms).toISOString()));
  });

  it('refuses an empty window', () => {
    expect(() => drawMoments(planOf({ prizes }), { opensAt: window.opensAt, closesAt: window.opensAt })).toThrow(RangeError);
  });

  it('rolls odds: p = 1 always wins, otherwise below p·2^47', () => {
    expect(rollOdds(1, scripted([2 ** 47 - 1]))).toBe(true);
    expect(rollOdds(0.5, scripted([2 ** 46 - 1]))).toBe(true);
    expect(rollOdds(0.5, scripted([2 ** 46]))).toBe(false);
  });

  it('picks stock weighted by what remains', () => {
    const available = [{ prizeId: 'a', remaining: 1 }, { prizeId: 'b', remaining: 3 }];
    expect([0, 1, 2, 3].map((n) => pickWeighted(available, scripted([n])))).toEqual(['a', 'b', 'b', 'b']);
    expect(() => pickWeighted([])).toThrow(RangeError);
  });

  it('keeps a recorded draw only when mode and stock are unchanged, not revealed, and the window covers it', () => {
    const plan = planOf({ prizes: [{ id: 'a', title: 'A', stock: 2 }, { id: 'b', title: 'B', stock: 1 }] });
    const recorded = { plan, revealedAt: null, lastMoment: new Date('2025-03-01T12:00:00Z') };
    expect(drawConflict(recorded, { mode: 'moments', prizes: [...plan.prizes].reverse() }, window.closesAt)).toBeNull();
    expect(drawConflict(recorded, { mode: 'moments', prizes: [{ id: 'a', stock: 3 }, { id: 'b', stock: 1 }] }, window.closesAt)).toBe('plan_changed');
    expect(drawConflict(recorded, { mode: 'moments', prizes: [{ id: 'a', stock: 2 }] }, window.closesAt)).toBe('plan_changed');
    expect(drawConflict(recorded, { mode: 'odds', prizes: plan.prizes }, window.closesAt)).toBe('plan_changed');
    expect(drawConflict(recorded, plan, new Date('2025-03-01T12:00:00Z'))).toBe('window_shrunk');
    expect(drawConflict({ ...recorded, revealedAt: window.closesAt }, plan, window.closesAt)).toBe('revealed');
    expect(samePlan(plan, { mode: 'moments', prizes: [{ id: 'a', stock: 2 }, { id: 'c', stock: 1 }] })).toBe(false);
  });
});

describe('instant-win commitment', () => {
  const moments = sortMoments([
    { prizeId: 'tee', moment: '2025-03-01T10:00:00.000Z' },
    { prizeId: 'cap', moment: '2025-03-01T10:00:00.000Z' },
    { prizeId: 'tee', moment: '2025-03-01T09:00:00.500Z' },
  ]);
  const draw: RevealedDraw = { flowHashId: 'Ab12Cd34Ef', stepId: 'win', salt: newSalt(), moments };

  it('is the SHA-256 of the canonical JSON of the sorted draw', () => {
    expect(canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] })).toBe('{"a":[true,{"c":"x","d":null}],"b":1}');
    const expected = createHash('sha256').update(canonicalJson({ flowHashId: draw.flowHashId, stepId: 'win', salt: draw.salt, moments })).digest('hex');
    expect(commitmentOf(draw)).toBe(expected);
    expect(moments.map((m) => m.prizeId)).toEqual(['tee', 'cap', 'tee']);
    expect(draw.salt).toMatch(/^[0-9a-f]{32}$/);
  });

  it('verifies the revealed draw whatever the order or ISO spelling of its moments', () => {
    const commitment = commitmentOf(draw);
    expect(verifyCommitment(commitment, draw)).toBe(true);
    expect(verifyCommitment(commitment, { ...draw, moments: [...moments].reverse() })).toBe(true);
    expect(verifyCommitment(commitment, { ...draw, moments: moments.map((m) => ({ ...m, moment: m.moment.replace('.000Z', 'Z') })) })).toBe(true);
  });

  it('fails for any tampering, a missing reveal or malformed input', () => {
    const commitment = commitmentOf(draw);
    const later = moments.map((m, i) => (i === 0 ? { ...m, moment: '2025-03-01T09:00:00.501Z' } : m));
    expect(verifyCommitment(commitment, { ...draw, moments: later })).toBe(false);
    expect(verifyCommitment(commitment, { ...draw, moments: moments.slice(1) })).toBe(false);
    expect(verifyCommitment(commitment, { ...draw, moments: moments.map((m) => ({ ...m, prizeId: 'tee' })) })).toBe(false);
    expect(verifyCommitment(commitment, { ...draw, salt: newSalt() })).toBe(false);
    expect(verifyCommitment(commitment, { ...draw, stepId: 'other' })).toBe(false);
    expect(verifyCommitment(commitment, { ...draw, flowHashId: 'Zz99Yy88Xx' })).toBe(false);
    expect(verifyCommitment(commitment, null)).toBe(false);
    expect(verifyCommitment('nothex', draw)).toBe(false);
    expect(verifyCommitment(commitment, { ...draw, moments: [{ prizeId: 'tee', moment: 'not a date' }] })).toBe(false);
  });
});
