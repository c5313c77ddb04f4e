import { describe, expect, it } from 'vitest';
import { dueOccurrence, nextOccurrence, validateTrigger } from '../../../../exporter/triggers/trigger.js';

const PARIS = 'Europe/Paris';
// Saturday 2026-03-28, 13:00 in Paris (UTC+1); summer time (UTC+2) starts at 02:00 on Sunday.
const NOW = new Date('2026-03-28T12:00:00Z');

describe('nextOccurrence', () => {
  it('gives the next daily time in the workspace zone, today or tomorrow, across a daylight-saving change', () => {
    expect(nextOccurrence({ type: 'daily', time: '14:00', mode: 'all' }, NOW, PARIS)?.toISOString()).toBe('2026-03-28T13:00:00.000Z');
    expect(nextOccurrence({ type: 'daily', time: '06:00', mode: 'all' }, NOW, PARIS)?.toISOString()).toBe('2026-03-29T04:00:00.000Z');
    // A time the jump skips (02:30 does not exist on the 29th) resolves to the instant after the gap.
    expect(nextOccurrence({ type: 'daily', time: '02:30', mode: 'all' }, NOW, PARIS)?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('is strictly after now: the occurrence at this very minute is the one of the next day', () => {
    expect(nextOccurrence({ type: 'daily', time: '13:00', mode: 'previous_day' }, NOW, PARIS)?.toISOString()).toBe('2026-03-29T11:00:00.000Z');
  });

  it('gives the next weekly day and time, this week or the next', () => {
    expect(nextOccurrence({ type: 'weekly', day: 'saturday', time: '18:00' }, NOW, PARIS)?.toISOString()).toBe('2026-03-28T17:00:00.000Z');
    expect(nextOccurrence({ type: 'weekly', day: 'saturday', time: '09:00' }, NOW, PARIS)?.toISOString()).toBe('2026-04-04T07:00:00.000Z');
    expect(nextOccurrence({ type: 'weekly', day: 'monday', time: '09:00' }, NOW, PARIS)?.toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('gives a scheduled time still to come, and nothing for one that passed or for event triggers', () => {
    expect(nextOccurrence({ type: 'scheduled', at: '2026-04-01T10:00' }, NOW, PARIS)?.toISOString()).toBe('2026-04-01T08:00:00.000Z');
    expect(nextOccurrence({ type: 'scheduled', at: '2026-03-28T12:00' }, NOW, PARIS)).toBeNull();
    expect(nextOccurrence({ type: 'immediate' }, NOW, PARIS)).toBeNull();
    expect(nextOccurrence({ type: 'closure' }, NOW, PARIS)).toBeNull();
  });

  it('agrees with the scheduler: once the next occurrence has come, it is the one due', () => {
    for (const trigger of [{ type: 'daily', time: '06:00', mode: 'all' }, { type: 'weekly', day: 'monday', time: '09:00' }] as const) {
      const next = nextOccurrence(trigger, NOW, PARIS)!;
      expect(dueOccurrence(trigger, next, PARIS, NOW)?.at).toEqual(next);
      expect(dueOccurrence(trigger, new Date(next.getTime() - 1), PARIS, NOW)).toBeUndefined();
    }
  });
});

describe('validateTrigger', () => {
  it('refuses a bad time at its JSON path and a scheduled time the calendar does not have', () => {
    expect(() => validateTrigger({ type: 'daily', time: '24:00', mode: 'all' }, PARIS, '/trigger')).toThrow(expect.objectContaining({ path: expect.stringMatching(/^\/trigger/) }));
    expect(() => validateTrigger({ type: 'scheduled', at: '2026-02-30T10:00' }, PARIS, '/trigger')).toThrow(expect.objectContaining({ path: '/trigger/at' }));
    expect(validateTrigger({ type: 'closure' }, PARIS, '/trigger')).toEqual({ type: 'closure' });
  });
});
