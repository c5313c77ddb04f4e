import { ConfigError, ParleyError } from '../../core/errors.js';
import { createDestination, validateDestination, type DestinationOptions } from './create-destination.js';

/** What "Test connection" reports: ok, or the destination's own reason and whether a retry may help. */
export interface DestinationCheck {
  readonly ok: boolean;
  readonly error?: string;
  readonly retryable?: boolean;
}

/** How long a connection test may take before it is reported as failed. */
const TEST_TIMEOUT_MS = 30_000;

/**
 * Connects to a destination (with its credentials), writes and removes a probe file, and says
 * what happened in words an owner can act on (for SFTP: a host key that does not match the
 * pinned fingerprint, refused credentials, a missing directory, …). An invalid config throws
 * ValidationError with its JSON path under `path`, and a config the schema cannot judge (a GCS
 * key that is not a service-account key file) ConfigError; a failed connection is a result, not a throw.
 *
 * @example
 * await checkDestination({ kind: 'local', directory: 'partner' }, { localRoot: '/srv/exports' }) // { ok: true }
 */
export async function checkDestination(config: unknown, options: DestinationOptions, path = '/destination'): Promise<DestinationCheck> {
  const destination = createDestination(validateDestination(config, path), options);
  try {
    await destination.test(AbortSignal.timeout(TEST_TIMEOUT_MS));
    return { ok: true };
  } catch (error) {
    // Found when the destination is built, on first use: the settings are wrong, not the connection.
    if (error instanceof ConfigError) throw error;
    const e = error as { retryable?: boolean };
    return { ok: false, error: error instanceof ParleyError ? error.message : 'The destination could not be reached', retryable: e.retryable ?? false };
  }
}
