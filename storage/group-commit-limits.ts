/**
 * The limits of the group commit (group-commit.ts), apart from it so that reading the
 * configuration loads no database library.
 */
export interface GroupCommitLimits {
  /** The most groups out at once. */
  readonly groupsInFlight: number;
  /** The most transactions one group carries. */
  readonly transactionsPerGroup: number;
  /**
   * While a group is out, the next one waits for it, unless a full group is waiting or every
   * group in flight has been out this long (a group waiting on a lock does not hold up the turns
   * behind it). 0: a group goes at once while fewer than `groupsInFlight` are out.
   */
  readonly stallMs: number;
  /**
   * How long a group with shared members (`GroupCommit.share`) waits for one of them to send its
   * next statements before it rolls back (the members then run again alone). A member's code
   * between two statements is well under a millisecond of JavaScript: this only bounds one that
   * stopped. Default 2,000.
   */
  readonly memberWaitMs?: number;
}

/**
 * One group at a time unless it stalls: measured with the chat bench (300 visitors, 2 cores),
 * groups twice as large as with two always in flight (8.1 against 3.4 transactions) and 10-14 %
 * more turns per second, because each group costs the server and the database one round trip,
 * one commit and one wake-up. Under that load a group's round trip was 6-9 ms at the median and
 * under 60 ms at p99 (event-loop delays included), so 100 ms means "stuck".
 */
export const DEFAULT_GROUP_COMMIT: GroupCommitLimits = { groupsInFlight: 2, transactionsPerGroup: 32, stallMs: 100 };
