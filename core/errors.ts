/**
 * One error base class for everything Parley reports to a caller.
 *
 * `code` is a stable, machine-readable literal; `message` is safe to show (it never echoes raw
 * input or personal data); `path` is the JSON path of the offending value when there is one.
 */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'config_invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'gone'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'storage_disabled'
  | 'data_key_destroyed'
  | 'decryption_failed'
  | 'module_unknown'
  | 'flow_closed'
  | 'participation_refused'
  | 'destination_failed'
  | 'export_failed'
  | 'queue_failed'
  | 'unavailable'
  | 'internal';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  path?: string;
  details?: Record<string, unknown>;
}

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  config_invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  gone: 410,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  storage_disabled: 409,
  data_key_destroyed: 410,
  decryption_failed: 500,
  module_unknown: 400,
  flow_closed: 409,
  participation_refused: 409,
  destination_failed: 502,
  export_failed: 500,
  queue_failed: 500,
  unavailable: 503,
  internal: 500,
};

export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { path?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.path = options.path;
    this.details = options.details;
  }

  /** The HTTP status that fits this error's code. */
  get status(): number {
    return STATUS[this.code];
  }

  /** The JSON body sent to clients: code, message, path (never a stack). */
  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.path !== undefined) body.path = this.path;
    if (this.details !== undefined) body.details = this.details;
    return body;
  }
}

/** Input that does not match a schema: carries the JSON path of the first error. */
export class ValidationError extends ParleyError {
  constructor(message: string, path: string, details?: Record<string, unknown>) {
    super('validation_failed', message, { path, details });
  }
}

/** Configuration (environment, workspace settings, flow definitions) that cannot be used. */
export class ConfigError extends ParleyError {
  constructor(message: string, path: string) {
    super('config_invalid', message, { path });
  }
}

/** A delivery to a partner server failed; `retryable` says whether trying again may help. */
export class DestinationError extends ParleyError {
  readonly retryable: boolean;
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super('destination_failed', message, { cause: options.cause });
    this.retryable = options.retryable;
  }
}

/** Turns anything thrown into a ParleyError that is safe to show. Unknown errors become `internal`. */
export function toParleyError(error: unknown): ParleyError {
  if (error instanceof ParleyError) return error;
  return new ParleyError('internal', 'Internal error', { cause: error });
}
