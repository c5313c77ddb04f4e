import { describe, expect, it } from 'vitest';
import { aheadTargets, chunkFor, classifyPartitions, parsePartitionName, partitionName, type PartitionRange } from '../../../storage/store-partitions.js';

const NOW = new Date('2026-12-01T10:00:00Z');
const range = (lower: string, upper: string): PartitionRange => ({
  name: partitionName('consents', new Date(lower), new Date(upper)),
  lower: new Date(lower),
  upper: new Date(upper),
});

describe('store partition layout', () => {
  it('names a partition after its bounds and reads them back, ignoring other tables and names', () => {
    const name = partitionName('instant_win_claims', new Date('2026-12-03T00:00:00Z'), new Date('2026-12-04T00:00:00Z'));
    expect(name).toBe('store_instant_win_claims_p20261203_20261204');
    expect(parsePartitionName('instant_win_claims', name)).toEqual({ name, lower: new Date('2026-12-03T00:00:00Z'), upper: new Date('2026-12-04T00:00:00Z') });
    expect(parsePartitionName('winners', name)).toBeUndefined();
    expect(parsePartitionName('instant_win_claims', 'store_instant_win_claims_default')).toBeUndefined();
    expect(parsePartitionName('instant_win_claims', 'store_instant_win_claims_p20261204_20261203')).toBeUndefined();
  });

  it('gives near expiries a day, far ones their month clipped to the neighbours, and nothing when covered', () => {
    expect(chunkFor(new Date('2026-12-03T17:00:00Z'), NOW, [])).toEqual({ lower: new Date('2026-12-03T00:00:00Z'), upper: new Date('2026-12-04T00:00:00Z') });
    expect(chunkFor(new Date('2029-11-30T17:00:00Z'), NOW, [])).toEqual({ lower: new Date('2029-11-01T00:00:00Z'), upper: new Date('2029-12-01T00:00:00Z') });
    const neighbours = [range('2027-02-01T00:00:00Z', '2027-02-05T00:00:00Z'), range('2027-02-20T00:00:00Z', '2027-02-21T00:00:00Z')];
    expect(chunkFor(new Date('2027-02-10T00:00:00Z'), NOW, neighbours)).toEqual({ lower: new Date('2027-02-05T00:00:00Z'), upper: new Date('2027-02-20T00:00:00Z') });
    expect(chunkFor(new Date('2027-02-02T08:00:00Z'), NOW, neighbours)).toBeUndefined();
  });

  it('targets each retention in use and its margin days, and sorts partitions into passed and current', () => {
    expect(aheadTargets(NOW, [7, 7]).map((d) => d.toISOString())).toEqual(['2026-12-08T10:00:00.000Z', '2026-12-09T10:00:00.000Z', '2026-12-10T10:00:00.000Z']);
    const passed = range('2026-11-30T00:00:00Z', '2026-12-01T00:00:00Z');
    const current = range('2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z');
    const future = range('2026-12-02T00:00:00Z', '2026-12-03T00:00:00Z');
    expect(classifyPartitions([passed, current, future], NOW)).toEqual({ passed: [passed], current: [current] });
  });
});
