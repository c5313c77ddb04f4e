/**
 * What Parley's layers log through; pino's logger fits it (runtime/logger.ts builds one).
 * Records carry ids, counts and codes, never personal data.
 */
export interface Logger {
  debug(record: object, message?: string): void;
  info(record: object, message?: string): void;
  warn(record: object, message?: string): void;
  error(record: object, message?: string): void;
}
