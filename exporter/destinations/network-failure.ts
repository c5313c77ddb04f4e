/** Socket error codes that say the peer may answer if asked again later. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/** The first string `code` found on `error` or along its `cause` chain. */
export function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** True when `error` is a network failure (refused, reset, timed out, unreachable) worth retrying. */
export function isTransientNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** OpenSSL / Node verification codes: the peer's certificate is untrusted, expired or for another name. */
const CERTIFICATE_CODE = /CERT|CRL|SIGNATURE|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH_EXCEEDED|HOSTNAME_MISMATCH/;

/** True when `error` is a TLS certificate verification failure (never worth retrying). */
export function isCertificateError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && CERTIFICATE_CODE.test(code);
}
