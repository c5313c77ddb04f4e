import { DestinationError } from '../../core/errors.js';
import { errorCode, isCertificateError, isTransientNetworkError } from './network-failure.js';

/** The step an FTP session was at when it failed; the same reply code means different things per step. */
export type FtpStage = 'connect' | 'tls' | 'login' | 'directory' | 'transfer' | 'rename';

function replyCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** What a permanent (5xx) reply means at each step; the server's own text is never repeated. */
const REFUSALS: Record<FtpStage, string> = {
  connect: 'The FTP server refused the connection',
  tls: 'The FTP server does not accept explicit TLS (AUTH TLS)',
  login: 'The FTP server refused the login',
  directory: 'The FTP directory does not exist or is not accessible',
  transfer: 'The FTP server refused to store the file',
  rename: 'The FTP server refused to rename the uploaded file',
};

/**
 * Maps an FTP or FTPS failure to a DestinationError: untrusted certificates, refused logins and
 * other permanent (5xx) replies are final; transient (4xx) replies, timeouts and network errors
 * may be retried.
 */
export function ftpFailure(error: unknown, stage: FtpStage): DestinationError {
  if (error instanceof DestinationError) return error;
  if (isCertificateError(error)) {
    return new DestinationError('The FTPS server certificate is not trusted', { retryable: false, cause: error });
  }
  const reply = replyCode(error);
  if (reply !== undefined && reply >= 500) {
    return new DestinationError(`${REFUSALS[stage]} (${reply})`, { retryable: false, cause: error });
  }
  if (reply !== undefined && reply >= 400) {
    return new DestinationError(`The FTP server is temporarily unavailable (${reply})`, { retryable: true, cause: error });
  }
  if (isTransientNetworkError(error)) {
    return new DestinationError(`Could not reach the FTP server (${errorCode(error)})`, { retryable: true, cause: error });
  }
  if (errorCode(error) === 'ENOTFOUND') {
    return new DestinationError('The FTP host name does not resolve', { retryable: false, cause: error });
  }
  if (error instanceof Error && error.message.startsWith('Timeout')) {
    return new DestinationError('The FTP server did not answer in time', { retryable: true, cause: error });
  }
  return new DestinationError('The FTP transfer failed', { retryable: true, cause: error });
}
