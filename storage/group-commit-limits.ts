/**
 * The limits of the group commit (group-commit.ts), apart from it so that reading the
 * configuration loads no database library.
 */
export interface GroupCommitLimits {
  /** Groups out at once: a transaction goes at once while fewer are in flight. */
  readonly groupsInFlight: number;
  /** The most transactions one group carries. */
  readonly transactionsPerGroup: number;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitLimits = { groupsInFlight: 2, transactionsPerGroup: 32 };
