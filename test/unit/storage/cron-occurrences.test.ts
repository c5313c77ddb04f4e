import { describe, expect, it } from 'vitest';
import { jobOccurrence, occurrenceAtOrBefore } from '../../../storage/cron-occurrences.js';

describe('occurrenceAtOrBefore', () => {
  it('is the occurrence itself at its own instant, and stays on it for the rest of the period', () => {
    expect(occurrenceAtOrBefore('* * * * *', new Date('2026-11-29T09:47:00.000Z'))).toEqual(new Date('2026-11-29T09:47:00Z'));
    expect(occurrenceAtOrBefore('* * * * *', new Date('2026-11-29T09:47:59.999Z'))).toEqual(new Date('2026-11-29T09:47:00Z'));
    expect(occurrenceAtOrBefore('0 3 * * *', new Date('2026-11-29T03:01:00.200Z'))).toEqual(new Date('2026-11-29T03:00:00Z'));
    expect(occurrenceAtOrBefore('*/5 * * * *', new Date('2026-11-29T09:49:30Z'))).toEqual(new Date('2026-11-29T09:45:00Z'));
  });

  it('reads the cron in the time zone given', () => {
    expect(occurrenceAtOrBefore('0 3 * * *', new Date('2026-11-29T03:30:00Z'), 'Europe/Paris')).toEqual(new Date('2026-11-29T02:00:00Z'));
  });
});

describe('jobOccurrence', () => {
  it('takes the occurrence a job names over its creation time (a late job keeps its occurrence)', () => {
    expect(jobOccurrence('* * * * *', { data: { occurrence: '2026-11-29T09:47:00.000Z' }, createdOn: new Date('2026-11-29T09:48:10Z') })).toEqual(new Date('2026-11-29T09:47:00Z'));
  });

  it('gives a payload-less scheduled fire the occurrence at or before its creation; a malformed instant is ignored', () => {
    expect(jobOccurrence('0 3 * * *', { data: {}, createdOn: new Date('2026-11-29T03:00:41Z') })).toEqual(new Date('2026-11-29T03:00:00Z'));
    expect(jobOccurrence('0 3 * * *', { data: { occurrence: 'yesterday' }, createdOn: new Date('2026-11-29T03:00:41Z') })).toEqual(new Date('2026-11-29T03:00:00Z'));
    expect(jobOccurrence('0 3 * * *', { data: null, createdOn: new Date('2026-11-29T03:00:41Z') })).toEqual(new Date('2026-11-29T03:00:00Z'));
  });
});
