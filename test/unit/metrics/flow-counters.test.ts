import { describe, expect, it } from 'vitest';
import { Metrics } from '../../../runtime/metrics/metrics.js';
import { flowCounters, OTHER_FLOWS } from '../../../runtime/metrics/flow-counters.js';
import type { FlowHeader } from '../../../storage/turn-repository.js';

const flow = (hashId: string): FlowHeader => ({
  id: hashId, workspaceId: 'w', slug: hashId.toLowerCase(), hashId, name: hashId, status: 'open', opensAt: null, closesAt: null,
  version: 1, createdAt: new Date(0), updatedAt: new Date(0), closedAt: null,
});

describe('per-flow counters', () => {
  it('label the first flows by hash id and every later one as "other", so the series stay bounded', async () => {
    const metrics = new Metrics();
    const counters = flowCounters(metrics, 2);
    counters.started(flow('AAAAAAAAAA'));
    counters.started(flow('BBBBBBBBBB'));
    counters.started(flow('CCCCCCCCCC'));
    counters.completed(flow('DDDDDDDDDD'));
    counters.completed(flow('AAAAAAAAAA'));
    counters.started(flow('AAAAAAAAAA'));
    const starts = (await metrics.flowStarts.get()).values.map((v) => [v.labels.flow, v.value]);
    expect(Object.fromEntries(starts)).toEqual({ AAAAAAAAAA: 2, BBBBBBBBBB: 1, [OTHER_FLOWS]: 1 });
    const completions = (await metrics.flowCompletions.get()).values.map((v) => [v.labels.flow, v.value]);
    expect(Object.fromEntries(completions)).toEqual({ AAAAAAAAAA: 1, [OTHER_FLOWS]: 1 });
  });
});
