import { IANAZone } from 'luxon';
import { validateRetention } from './retention-policy.js';
import type { RetentionOverrides } from './schema.js';
import { ConfigError } from '../core/errors.js';

/** The settings of a workspace that an owner may change. */
export interface WorkspaceSettings {
  name: string;
  timeZone: string;
  storageEnabled: boolean;
  /** Modules that run without storing anything (their "Store this module's data" switch is off). */
  storageOffModules: string[];
  allowedOrigins: string[];
  retention: RetentionOverrides;
  /** Days the audit log keeps an entry (30 to 3650; 365 by default). */
  auditRetentionDays: number;
}

export const AUDIT_RETENTION_DAYS = { min: 30, max: 3650, default: 365 } as const;

const FIELDS = new Set(['name', 'timeZone', 'storageEnabled', 'storageOffModules', 'allowedOrigins', 'retention', 'auditRetentionDays']);
const MODULE_ID = /^[a-z][a-z0-9-]{0,63}$/;

/**
 * Validates a (partial) settings change. Throws a ConfigError naming the first bad field:
 * unknown field, empty name, a time zone that is not IANA, an origin that is not
 * `scheme://host[:port]`, a module id that is not kebab-case, unknown table or bad days in retention.
 */
export function validateWorkspaceSettings(input: unknown): Partial<WorkspaceSettings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ConfigError('Settings must be an object', '');
  const source = input as Record<string, unknown>;
  for (const key of Object.keys(source)) if (!FIELDS.has(key)) throw new ConfigError('Unknown setting', `/${key.slice(0, 64)}`);
  const out: Partial<WorkspaceSettings> = {};
  if (source.name !== undefined) {
    if (typeof source.name !== 'string' || source.name.trim() === '' || source.name.length > 200) {
      throw new ConfigError('Name must be 1 to 200 characters', '/name');
    }
    out.name = source.name.trim();
  }
  if (source.timeZone !== undefined) {
    if (typeof source.timeZone !== 'string' || !IANAZone.isValidZone(source.timeZone)) {
      throw new ConfigError('Time zone must be an IANA zone name such as Europe/Paris', '/timeZone');
    }
    out.timeZone = source.timeZone;
  }
  if (source.storageEnabled !== undefined) {
    if (typeof source.storageEnabled !== 'boolean') throw new ConfigError('storageEnabled must be true or false', '/storageEnabled');
    out.storageEnabled = source.storageEnabled;
  }
  if (source.storageOffModules !== undefined) out.storageOffModules = validateModuleIds(source.storageOffModules);
  if (source.allowedOrigins !== undefined) out.allowedOrigins = validateOrigins(source.allowedOrigins);
  if (source.retention !== undefined) out.retention = validateRetention(source.retention);
  if (source.auditRetentionDays !== undefined) {
    const days = source.auditRetentionDays;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < AUDIT_RETENTION_DAYS.min || days > AUDIT_RETENTION_DAYS.max) {
      throw new ConfigError(`The audit log is kept ${AUDIT_RETENTION_DAYS.min} to ${AUDIT_RETENTION_DAYS.max} days`, '/auditRetentionDays');
    }
    out.auditRetentionDays = days;
  }
  return out;
}

/** A list of kebab-case module ids, without repeats (the API also checks them against the registry). */
function validateModuleIds(input: unknown): string[] {
  if (!Array.isArray(input) || input.length > 100) throw new ConfigError('storageOffModules must be a list of at most 100 module ids', '/storageOffModules');
  input.forEach((id, i) => {
    if (typeof id !== 'string' || !MODULE_ID.test(id)) throw new ConfigError('Module id must be kebab-case', `/storageOffModules/${i}`);
  });
  return [...new Set(input as string[])].sort();
}

function validateOrigins(input: unknown): string[] {
  if (!Array.isArray(input) || input.length > 100) throw new ConfigError('allowedOrigins must be a list of at most 100 origins', '/allowedOrigins');
  return input.map((origin, i) => {
    const path = `/allowedOrigins/${i}`;
    if (typeof origin !== 'string') throw new ConfigError('Origin must be a string', path);
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError('Origin must look like https://example.org', path);
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin.replace(/\/$/, '')) {
      throw new ConfigError('Origin must be scheme://host[:port] with no path', path);
    }
    return url.origin;
  });
}
