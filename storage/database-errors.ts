import pg from 'pg';
import { ParleyError } from '../core/errors.js';

/** SQLSTATEs of a server that is going away or not there yet: class 08 (connection) and 57P01–57P03 (shutdown, starting up). */
const UNAVAILABLE_STATES = /^(08...|57P0[123])$/;
/** Socket failures while reaching or talking to the server. */
const UNAVAILABLE_SOCKET_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
/** What node-postgres says when a connection dies or cannot be had; it carries no code. */
const UNAVAILABLE_MESSAGES = /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect)/;

function unavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => unavailable(inner, depth + 1))) return true;
  return unavailable(cause, depth + 1);
}

/**
 * `unavailable` (503) when `error` means the database could not be reached or went away (a
 * restart, a failover, a network cut): the caller may try again shortly. Undefined otherwise.
 *
 * @example
 * const failure = databaseUnavailable(error) ?? toParleyError(error);
 */
export function databaseUnavailable(error: unknown): ParleyError | undefined {
  if (error instanceof ParleyError || !unavailable(error)) return undefined;
  return new ParleyError('unavailable', 'The service is briefly unavailable; try again in a moment', { cause: error });
}

/**
 * The server refused a statement and rolled its transaction back; the connection is still
 * usable (a FATAL error, such as a terminated backend, ends the connection too).
 */
export function isStatementError(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.severity !== 'FATAL' && error.severity !== 'PANIC';
}
