import { pino } from 'pino';
import type { Logger } from '../core/logger.js';

export type { Logger };

/**
 * Keys whose values are personal or secret wherever they appear in a log record. Code should
 * not log such values in the first place; this is the safety net.
 */
const REDACT = ['email', 'ip', 'phone', 'name', 'password', 'key', 'apiKey', 'authorization', 'token', 'personal', 'answer', 'value', 'variables'];

export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    base: { service: 'parley' },
    redact: { paths: [...REDACT, ...REDACT.map((k) => `*.${k}`)], censor: '[redacted]' },
  });
}
