import { describe, expect, it } from 'vitest';
import { sessionPartitions, type SessionSpan } from '../../../storage/export-session-spans.js';
import type { SessionKeys } from '../../../storage/export-related-sql.js';

/** A uuid whose order is that of `n` (the spans compare session ids as text, as PostgreSQL orders uuids). */
const id = (n: number) => `0000${n.toString(16).padStart(4, '0')}-0000-7000-8000-000000000000`;
const span = (name: string, first: number, last: number): SessionSpan => ({ name, first: id(first), last: id(last) });
const keys = (low: number | null, high: number | null, outliers: number[] = []): SessionKeys => ({
  all: [],
  low: low === null ? null : id(low),
  high: high === null ? null : id(high),
  outliers: outliers.map(id),
});

describe('the partitions a batch of entries reads', () => {
  const spans = [span('day1', 10, 19), span('day2', 20, 29), span('default', 5, 90), span('day3', 30, 39)];

  it('are those whose session span meets the batch’s dense run, ends included', () => {
    expect(sessionPartitions(spans, keys(12, 18))).toEqual(['day1', 'default']);
    expect(sessionPartitions(spans, keys(19, 20))).toEqual(['day1', 'day2', 'default']);
    expect(sessionPartitions(spans, keys(40, 50))).toEqual(['default']);
    expect(sessionPartitions(spans, keys(91, 99))).toEqual([]);
  });

  it('and those that hold one of its outliers', () => {
    expect(sessionPartitions(spans, keys(91, 99, [35]))).toEqual(['default', 'day3']);
    expect(sessionPartitions(spans, keys(null, null, [1, 25]))).toEqual(['day2', 'default']);
  });

  it('are none for a batch without sessions', () => {
    expect(sessionPartitions(spans, keys(null, null))).toEqual([]);
  });
});
