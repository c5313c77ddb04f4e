/**
 * The flow statistics report of the admin API (`GET /flows/{flow}/stats`), as the server builds it
 * and the console reads it: types only, shared by both sides of the wire.
 */

/** One step of the funnel: sessions shown it, and sessions whose last step it is and that did not complete. */
export interface StepStats {
  readonly stepId: string;
  readonly module: string;
  /** The module's title, when this server has the module. */
  readonly title?: string;
  readonly reached: number;
  readonly leftHere: number;
}

/** What `GET /flows/{flow}/stats` answers: sessions started in the range, by their start day. */
export interface FlowStatsReport {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly starts: number;
  readonly completions: number;
  /** completions / starts; null without starts. */
  readonly completionRate: number | null;
  readonly steps: readonly StepStats[];
  readonly instantWinWins: number;
  readonly giveawayEntries: number;
  readonly loyaltyStamps: number;
  readonly loyaltyCards: number;
  readonly quizzesCompleted: number;
  readonly quizzesPassed: number;
  /** Ratings given, and of them the high ones (4–5 stars, NPS promoters) and the low ones (1–2 stars, NPS detractors). */
  readonly ratings: number;
  readonly ratingsHigh: number;
  readonly ratingsLow: number;
  readonly byDay: ReadonlyArray<{ readonly day: string; readonly starts: number; readonly completions: number }>;
}
