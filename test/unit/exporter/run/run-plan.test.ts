import { describe, expect, it } from 'vitest';
import { COMMIT_SETTLE_MS, planRun } from '../../../../exporter/run/run-plan.js';
import type { ExportDefinition } from '../../../../exporter/definition/export-definition.js';

const PARIS = 'Europe/Paris';
const daily = (mode: string, time = '06:00') => ({ trigger: { type: 'daily', time, mode } }) as unknown as ExportDefinition;
const at = (iso: string) => new Date(iso);
const scheduled = { selection: null };
const LAST = at('2026-03-01T05:00:00Z');

describe('planRun', () => {
  it('ends a new_since_last_run window a minute before a run that starts at its occurrence, and records that as the cutoff', () => {
    const plan = planRun(scheduled, daily('new_since_last_run'), at('2026-03-02T05:00:00Z'), at('2026-03-02T05:00:00.300Z'), PARIS, LAST);
    expect(plan).toEqual({ selection: { from: LAST, to: at('2026-03-02T04:59:00.300Z') }, cutoffAt: at('2026-03-02T04:59:00.300Z'), waitMs: 0 });
  });

  it('keeps the occurrence as the end of a run that starts more than a minute after it (a queue, a takeover)', () => {
    const plan = planRun(scheduled, daily('new_since_last_run'), at('2026-03-02T05:00:00Z'), at('2026-03-02T05:03:00Z'), PARIS, LAST);
    expect(plan).toEqual({ selection: { from: LAST, to: at('2026-03-02T05:00:00Z') }, cutoffAt: at('2026-03-02T05:00:00Z'), waitMs: 0 });
  });

  it('waits until the previous day is a minute behind when the trigger fires at midnight, and no longer', () => {
    // 00:00 in Paris on 2 March is 23:00Z on 1 March.
    const midnight = at('2026-03-01T23:00:00Z');
    const plan = planRun(scheduled, daily('previous_day', '00:00'), midnight, at('2026-03-01T23:00:00.250Z'), PARIS, null);
    expect(plan).toEqual({ selection: { from: at('2026-02-28T23:00:00Z'), to: midnight }, cutoffAt: midnight, waitMs: COMMIT_SETTLE_MS - 250 });
    expect(planRun(scheduled, daily('previous_day', '00:00'), midnight, at('2026-03-01T23:05:00Z'), PARIS, null).waitMs).toBe(0);
    expect(planRun(scheduled, daily('previous_day'), at('2026-03-02T05:00:00Z'), at('2026-03-02T05:00:00Z'), PARIS, null).waitMs).toBe(0);
  });

  it('never waits for a manual window, and cuts its cutoff to a minute ago; all and no trigger read everything', () => {
    const now = at('2026-03-02T12:00:00Z');
    const window = { from: at('2026-03-02T00:00:00Z'), to: at('2026-03-03T00:00:00Z') };
    expect(planRun({ selection: window }, daily('previous_day'), now, now, PARIS, null)).toEqual({ selection: window, cutoffAt: at('2026-03-02T11:59:00Z'), waitMs: 0 });
    expect(planRun(scheduled, daily('all'), now, now, PARIS, null)).toEqual({ selection: 'all', cutoffAt: at('2026-03-02T11:59:00Z'), waitMs: 0 });
    expect(planRun(scheduled, {} as ExportDefinition, now, at('2026-03-02T13:00:00Z'), PARIS, null)).toEqual({ selection: null, cutoffAt: now, waitMs: 0 });
  });
});
