import { describe, expect, it } from 'vitest';
import { comesBefore, WALK_START_TRUST_MS, WalkStarts } from '../../storage/walk-starts.js';

describe('WalkStarts', () => {
  const at = new Date('2025-06-02T08:00:00.000Z');
  const later = (ms: number) => new Date(at.getTime() + ms);
  const row = (id: string, ms = 0) => ({ at: later(ms), id });
  const step = (flowId: string) => ({ flowId, stepId: 'win' });

  it('trusts a start for the window after the last walk from the first row, not after the last row taken', () => {
    const starts = new WalkStarts();
    expect(starts.startOf(step('q'), at)).toBeUndefined();
    starts.took(step('q'), row('1'), at, undefined);
    starts.took(step('q'), row('2'), later(WALK_START_TRUST_MS), row('1'));
    expect(starts.startOf(step('q'), later(WALK_START_TRUST_MS))).toEqual(row('2'));
    expect(starts.startOf(step('q'), later(WALK_START_TRUST_MS + 1))).toBeUndefined();
    starts.took(step('q'), row('3'), later(WALK_START_TRUST_MS + 1), undefined);
    expect(starts.startOf(step('q'), later(2 * WALK_START_TRUST_MS + 1))).toEqual(row('3'));
    expect(starts.startOf(step('another queue'), at)).toBeUndefined();
  });

  it('trusts the start anew when the row taken came before it (the walk from the first row found it)', () => {
    const starts = new WalkStarts();
    starts.took(step('q'), row('5'), at, undefined);
    starts.took(step('q'), row('9'), later(WALK_START_TRUST_MS), row('5'));
    starts.took(step('q'), row('2'), later(WALK_START_TRUST_MS), row('9'));
    expect(starts.startOf(step('q'), later(2 * WALK_START_TRUST_MS))).toEqual(row('2'));
  });

  it('orders rows by instant, then by id as a number', () => {
    expect(comesBefore(row('10'), row('9', 1))).toBe(true);
    expect(comesBefore(row('9'), row('10'))).toBe(true);
    expect(comesBefore(row('10'), row('9'))).toBe(false);
    expect(comesBefore(row('9'), row('9'))).toBe(false);
  });

  it('forgets the queue taken from least recently past a thousand queues', () => {
    const starts = new WalkStarts();
    for (let i = 0; i <= 1000; i += 1) starts.took(step(`queue ${i}`), row(`${i}`), at, undefined);
    expect(starts.startOf(step('queue 0'), at)).toBeUndefined();
    expect(starts.startOf(step('queue 1'), at)).toEqual(row('1'));
    starts.took(step('queue 1'), row('2'), at, row('1'));
    starts.took(step('queue 1001'), row('1001'), at, undefined);
    expect(starts.startOf(step('queue 1'), at)).toEqual(row('2'));
    expect(starts.startOf(step('queue 2'), at)).toBeUndefined();
  });
});
