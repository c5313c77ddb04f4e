import { DestinationError } from '../../core/errors.js';
import { errorCode, isTransientNetworkError } from './network-failure.js';

/** What the connection saw before it failed, to explain the failure without server output. */
export interface SftpConnectState {
  /** Set when the host key did not match the pinned fingerprint (the client then stops before authenticating). */
  hostKeyRejected: boolean;
  /** The last raw error the SSH client emitted (it carries a `level` such as `client-authentication`). */
  lastError: unknown;
}

/** SFTP status codes (draft-ietf-secsh-filexfer-02) that no retry will fix. */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

function sftpStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function level(error: unknown): string | undefined {
  const value = (error as { level?: unknown } | undefined)?.level;
  return typeof value === 'string' ? value : undefined;
}

/** ssh2 refuses a key it cannot parse or decrypt before it opens any connection. */
function isKeyParseError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return message.startsWith('Cannot parse privateKey') || message.includes('does not contain a (valid) private key');
}

/** Maps a failure while connecting and logging in to a DestinationError (host key and credentials are final). */
export function sftpConnectFailure(error: unknown, state: SftpConnectState): DestinationError {
  if (error instanceof DestinationError) return error;
  const raw = state.lastError ?? error;
  if (state.hostKeyRejected) {
    return new DestinationError('The SFTP server host key does not match the pinned fingerprint', { retryable: false, cause: raw });
  }
  if (isKeyParseError(error)) {
    return new DestinationError('The SFTP private key cannot be read (wrong format or passphrase)', { retryable: false });
  }
  if (level(raw) === 'client-authentication') {
    return new DestinationError('The SFTP server refused the credentials', { retryable: false, cause: raw });
  }
  if (level(raw) === 'client-timeout') {
    return new DestinationError('Timed out connecting to the SFTP server', { retryable: true, cause: raw });
  }
  if (isTransientNetworkError(raw) || isTransientNetworkError(error)) {
    const code = errorCode(raw) ?? errorCode(error);
    return new DestinationError(`Could not reach the SFTP server (${code})`, { retryable: true, cause: raw });
  }
  if (errorCode(raw) === 'ENOTFOUND') {
    return new DestinationError('The SFTP host name does not resolve', { retryable: false, cause: raw });
  }
  if (level(raw) === 'handshake' || level(raw) === 'protocol') {
    return new DestinationError('The SFTP handshake failed', { retryable: false, cause: raw });
  }
  return sftpOperationFailure(error);
}

/** Maps a failed file operation (open, write, rename, list) to a DestinationError. */
export function sftpOperationFailure(error: unknown): DestinationError {
  if (error instanceof DestinationError) return error;
  const status = sftpStatus(error);
  if (status === NO_SUCH_FILE) {
    return new DestinationError('The SFTP directory does not exist', { retryable: false, cause: error });
  }
  if (status === PERMISSION_DENIED) {
    return new DestinationError('The SFTP server denied writing to the directory', { retryable: false, cause: error });
  }
  if (isTransientNetworkError(error)) {
    return new DestinationError(`The SFTP connection failed (${errorCode(error)})`, { retryable: true, cause: error });
  }
  return new DestinationError('The SFTP transfer failed', { retryable: true, cause: error });
}
