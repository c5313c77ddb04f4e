/**
 * What Parley's layers log through; pino's logger fits it (runtime/logger.ts builds one).
 * Records carry ids, counts and codes, never personal data.
 */
export interface Logger {
  debug(record: object | string, message?: string): void;
  info(record: object | string, message?: string): void;
  warn(record: object | string, message?: string): void;
  error(record: object | string, message?: string): void;
}
