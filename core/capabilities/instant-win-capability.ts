/** The instant-win capability modules use: its data types and interface (runtime/capabilities builds it over storage). */

/** One prize of a draw plan: how many units the step gives away. */
export interface InstantWinPrizePlan {
  readonly id: string;
  readonly stock: number;
}

/** What a draw was made from; a saved flow must keep it once the draw exists. */
export interface InstantWinPlan {
  readonly mode: 'moments' | 'odds';
  readonly prizes: readonly InstantWinPrizePlan[];
}

/** One winning moment: the prize it gives and its instant (ISO 8601, millisecond precision). */
export interface InstantWinMoment {
  readonly prizeId: string;
  readonly moment: string;
}

/** The draw already recorded for a step. */
export interface RecordedInstantWinDraw {
  readonly plan: InstantWinPlan;
  readonly revealedAt: Date | null;
  /** The latest drawn moment (moments mode), null otherwise. */
  readonly lastMoment: Date | null;
}

/** Picks one prize among those with stock left. */
export type StockChooser = (available: ReadonlyArray<{ readonly prizeId: string; readonly remaining: number }>) => string;

/**
 * Instant-win draws of one step, inside the current transaction (the flow save/close, or the
 * participant's turn). Lifecycle hooks use the draw methods; steps use the participation ones.
 */
export interface InstantWinCapability {
  /** The draw already recorded for this step, row-locked until the transaction ends. */
  currentDraw(): Promise<RecordedInstantWinDraw | undefined>;
  /** Records this step's draw: plan and commitment, with its moments (moments mode) or stock (odds mode). */
  recordDraw(draw: { readonly plan: InstantWinPlan; readonly commitment: string | null; readonly salt: string | null; readonly moments: readonly InstantWinMoment[] }): Promise<void>;
  /** Marks this step's moments draw revealed (the flow has closed). */
  revealDraw(): Promise<void>;
  /** Serializes this subject's participations in the flow until the turn ends; returns the step module's wins so far. */
  holdSubject(normalizedEmail: string): Promise<number>;
  /** Claims the earliest unclaimed moment due now for this session: the prize id, or null. */
  claimMoment(): Promise<string | null>;
  /**
   * `holdSubject` and `claimMoment` in two statements instead of three: serializes the subject,
   * then claims only while it has fewer than `maxWins` wins.
   */
  claimMomentWithin(normalizedEmail: string, maxWins: number): Promise<{ readonly prizeId: string | null; readonly limitReached: boolean }>;
  /** Takes one unit of stock (odds mode): the prize id, or null when none is left. */
  takeStock(choose: StockChooser): Promise<string | null>;
}

