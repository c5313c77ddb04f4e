import type { FlowEvents } from '../engine/flow-engine.js';
import { MAX_FLOW_LABELS, type Metrics } from './metrics.js';

/** The label value of flows past the cap. Never a hash id (those are 10 characters). */
export const OTHER_FLOWS = 'other';

/**
 * Counts starts and completions per flow in this process's metrics, labelled by the flow's
 * public hash id. Label values are bounded: the first `maxFlows` flows seen get their own, the
 * rest share `other`, so a workspace creating flows without end cannot grow the series.
 */
export function flowCounters(metrics: Metrics, maxFlows = MAX_FLOW_LABELS): FlowEvents {
  const labelled = new Set<string>();
  const label = (hashId: string): string => {
    if (labelled.has(hashId)) return hashId;
    if (labelled.size >= maxFlows) return OTHER_FLOWS;
    labelled.add(hashId);
    return hashId;
  };
  return {
    started: (flow) => metrics.flowStarts.inc({ flow: label(flow.hashId) }),
    completed: (flow) => metrics.flowCompletions.inc({ flow: label(flow.hashId) }),
  };
}
