import type { RowStatisticCounts, StatisticScore } from './module-contract.js';

/**
 * The flow statistics report of the admin API (`GET /flows/{flow}/stats`), as the server builds it
 * and the console reads it: types only, shared by both sides of the wire.
 */

/** One step of the funnel: sessions shown it, those whose last step it is and that did not complete, and those shown it that completed. */
export interface StepStats {
  readonly stepId: string;
  readonly module: string;
  /** The module's title, when this server has the module. */
  readonly title?: string;
  readonly reached: number;
  readonly leftHere: number;
  /** Sessions shown this step that completed the flow (of `reached`: a variant's or a branch's completion rate). */
  readonly completed: number;
}

/**
 * What `GET /flows/{flow}/stats` answers: sessions started in the range, by their start day, and
 * the rows modules count (wins, entries, stamps, full cards, quizzes finished and passed, ratings
 * with the high ones, 4–5 stars or NPS promoters, and the low ones, 1–2 stars or detractors).
 */
export interface FlowStatsReport extends RowStatisticCounts {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly starts: number;
  readonly completions: number;
  /** completions / starts; null without starts. */
  readonly completionRate: number | null;
  readonly steps: readonly StepStats[];
  /** What the flow's modules make of the counts (net promoter score, CSAT, quiz pass rate), in the order of their first steps. */
  readonly scores: readonly StatisticScore[];
  readonly byDay: ReadonlyArray<{ readonly day: string; readonly starts: number; readonly completions: number }>;
}
