import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How many flows get a label value of their own in the per-flow counters; the rest count under `other`. */
export const MAX_FLOW_LABELS = 500;

/**
 * The process's Prometheus metrics. Labels never carry personal data: only route patterns,
 * table names, statuses, queue names and flows' public hash ids (bounded in number).
 */
export class Metrics {
  readonly registry = new Registry();
  readonly chatTurns = new Counter({ name: 'parley_chat_turns_total', help: 'Chat turns processed', labelNames: ['outcome'] as const, registers: [this.registry] });
  readonly activeSockets = new Gauge({ name: 'parley_active_sockets', help: 'Open chat sockets on this process', registers: [this.registry] });
  readonly storeWrites = new Counter({ name: 'parley_store_writes_total', help: 'Rows written to stores', labelNames: ['table', 'stored'] as const, registers: [this.registry] });
  readonly rowsSwept = new Counter({ name: 'parley_rows_swept_total', help: 'Expired rows deleted by the sweeper', labelNames: ['table'] as const, registers: [this.registry] });
  readonly exportRuns = new Counter({ name: 'parley_export_runs_total', help: 'Export runs finished, by outcome', labelNames: ['status'] as const, registers: [this.registry] });
  readonly flowStarts = new Counter({
    name: 'parley_flow_starts_total',
    help: `Chat sessions started, per flow hash id (the first ${MAX_FLOW_LABELS} flows this process sees; later ones as "other")`,
    labelNames: ['flow'] as const,
    registers: [this.registry],
  });
  readonly flowCompletions = new Counter({
    name: 'parley_flow_completions_total',
    help: `Chat sessions that reached the end of their flow, per flow hash id (as parley_flow_starts_total)`,
    labelNames: ['flow'] as const,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({ name: 'parley_queue_depth', help: 'Jobs waiting per queue', labelNames: ['queue'] as const, registers: [this.registry] });
  readonly requestSeconds = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly groupCommitSize = new Histogram({
    name: 'parley_group_commit_size',
    help: 'Transactions per group commit (one-round-trip chat writes committed together)',
    buckets: [1, 2, 4, 8, 16, 32],
    registers: [this.registry],
  });
  readonly chatEntryLookups = new Counter({
    name: 'parley_chat_entry_lookups_total',
    help: 'Chat handshake entries looked up, by whether this process had kept them (hit) or read the database (miss)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly groupCommitRetried = new Counter({
    name: 'parley_group_commit_retried_total',
    help: 'Transactions of refused group commits that ran again, each alone',
    registers: [this.registry],
  });
  readonly turnSeconds = new Histogram({
    name: 'parley_chat_turn_duration_seconds',
    help: 'Chat reply processing latency',
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }
}
