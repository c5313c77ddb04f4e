import type { SessionState } from '../../storage/session-repository.js';
import type { FlowHeader, TurnWorkspace } from '../../storage/turn-repository.js';

/** What a turn left of a session in this process: enough to run the next turn without reading it. */
export interface RecentSession {
  readonly state: SessionState;
  readonly workspace: TurnWorkspace;
  readonly flow: FlowHeader;
}

const DEFAULT_LIMIT = 10_000;

/** A copy of `state` a turn may change without touching the kept one. */
function copyOf(state: SessionState): SessionState {
  return {
    ...state,
    variables: { ...state.variables },
    personalVariables: { ...state.personalVariables },
    recentReplies: [...state.recentReplies],
  };
}

/**
 * The sessions whose last turn ran in this process, as that turn left them (bounded, least
 * recently used out first). A visitor's socket stays with one process, so its next reply
 * usually finds its session here and skips the lock-and-load round trip: the turn then sends,
 * with its first statement, a check that the session is still at the kept `seq`
 * (`expectTurn`), and goes back to the locking path when it is not. Holds personal values in
 * memory only, as a turn in progress does.
 */
export class RecentSessions {
  readonly #entries = new Map<string, RecentSession>();
  readonly #limit: number;

  constructor(limit = DEFAULT_LIMIT) {
    this.#limit = limit;
  }

  /** A copy of the kept session `id`, for one turn; undefined when none is kept. */
  take(id: string): RecentSession | undefined {
    const kept = this.#entries.get(id);
    return kept && { ...kept, state: copyOf(kept.state) };
  }

  /** Keeps what a committed turn left; a finished session is forgotten. */
  keep(session: RecentSession): void {
    this.#entries.delete(session.state.id);
    if (session.state.status !== 'active') return;
    this.#entries.set(session.state.id, { ...session, state: copyOf(session.state) });
    if (this.#entries.size > this.#limit) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** Forgets session `id` (its kept state turned out stale). */
  forget(id: string): void {
    this.#entries.delete(id);
  }
}
