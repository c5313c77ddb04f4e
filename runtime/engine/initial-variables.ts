import { ValidationError } from '../../core/errors.js';
import { hostVariablesProblems } from '../../core/chat-protocol.js';
import type { Scalar, SessionState } from '../../storage/session-repository.js';
import type { StoreWrite } from '../../storage/store-writer.js';

/** Host-page variables as the engine receives them, already validated. */
export type InitialVariables = Readonly<Record<string, string>>;

/** Who writes the `variables` row of host-page values (also the retention key of session variables). */
const SESSION_MODULE = 'session';
const DEFAULT_RETENTION_DAYS = 60;

/**
 * The handshake's `variables` checked like a reply (type, size, names); absent means none.
 * Throws a `validation_failed` error whose path names the offending variable, never its value.
 *
 * @example
 * initialVariables({ utm_source: 'newsletter' }, '/auth/variables') // → { utm_source: 'newsletter' }
 * initialVariables({ '1x': 'a' }, '/auth/variables')                // throws, path '/auth/variables/1x'
 */
export function initialVariables(value: unknown, path: string): InitialVariables {
  if (value === undefined) return {};
  const [problem] = hostVariablesProblems(value);
  if (problem) throw new ValidationError(problem.message, `${path}${problem.path}`);
  return Object.freeze({ ...(value as Record<string, string>) });
}

/** The session variables a new session starts with: the host page's values, non-personal. */
export function startingVariables(variables: InitialVariables | undefined): Record<string, Scalar> {
  return { ...variables };
}

/** Where a new session's first rows go: the turn's held writes (written with the session). */
export interface RowSink {
  add(write: StoreWrite): Promise<unknown>;
}

/**
 * Holds the host-page values of a new session as one `variables` row (data, not personal), written
 * with the session, so custom exports read them as `variable.<name>` (kept under `data.host`,
 * apart from what modules write). Nothing is written when there are none or the workspace has
 * storage off (the turn's writes refuse it).
 */
export async function queueInitialVariables(writes: RowSink, state: SessionState, variables: InitialVariables | undefined): Promise<void> {
  if (!variables || Object.keys(variables).length === 0) return;
  await writes.add({
    table: 'variables',
    moduleId: SESSION_MODULE,
    defaultRetentionDays: DEFAULT_RETENTION_DAYS,
    flowId: state.flowId,
    sessionId: state.id,
    participantRef: state.participantRef,
    data: { host: { ...variables } },
  });
}
