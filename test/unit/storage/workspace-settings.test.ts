import { describe, expect, it } from 'vitest';
import { validateWorkspaceSettings } from '../../../storage/workspace-settings.js';
import { resolveRetentionDays, validateRetention } from '../../../storage/retention-policy.js';
import { ConfigError } from '../../../core/errors.js';

function refusal(input: unknown): { path: string | undefined; message: string } {
  try {
    validateWorkspaceSettings(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return { path: (error as ConfigError).path, message: (error as ConfigError).message };
  }
  throw new Error('accepted');
}

describe('workspace settings validation', () => {
  it('names the field of an unknown table, a negative or fractional retention and a bad time zone', () => {
    expect(refusal({ retention: { tables: { prizes: 10 } } })).toEqual({ path: '/retention/tables/prizes', message: 'Unknown table' });
    expect(refusal({ retention: { tables: { winners: -3 } } }).path).toBe('/retention/tables/winners');
    expect(refusal({ retention: { tables: { winners: 1.5 } } }).path).toBe('/retention/tables/winners');
    expect(refusal({ retention: { tables: { winners: 0 } } }).path).toBe('/retention/tables/winners');
    expect(refusal({ retention: { modules: { giveaway: { participations: 99999 } } } }).path).toBe('/retention/modules/giveaway/participations');
    expect(refusal({ retention: { modules: { 'Bad Module': {} } } }).path).toBe('/retention/modules/Bad Module');
    expect(refusal({ retention: { forever: true } }).path).toBe('/retention/forever');
    expect(refusal({ timeZone: 'Europe/Atlantis' }).path).toBe('/timeZone');
    expect(refusal({ timeZone: 42 }).path).toBe('/timeZone');
    expect(refusal({ name: '   ' }).path).toBe('/name');
    expect(refusal({ storageEnabled: 'no' }).path).toBe('/storageEnabled');
    expect(refusal({ allowedOrigins: ['https://shop.example/path'] }).path).toBe('/allowedOrigins/0');
    expect(refusal({ unknown: 1 }).path).toBe('/unknown');
  });

  it('accepts and normalizes good settings', () => {
    expect(
      validateWorkspaceSettings({ name: ' Shop ', timeZone: 'America/New_York', allowedOrigins: ['https://shop.example/'], retention: { tables: { runtime_log: 3 } } }),
    ).toEqual({ name: 'Shop', timeZone: 'America/New_York', allowedOrigins: ['https://shop.example'], retention: { tables: { runtime_log: 3 } } });
  });

  it('resolves retention: module override, then table override, then module default, then table default', () => {
    const overrides = validateRetention({ tables: { participations: 20 }, modules: { giveaway: { participations: 5 } } });
    expect(resolveRetentionDays(overrides, 'participations', 'giveaway', 60)).toBe(5);
    expect(resolveRetentionDays(overrides, 'participations', 'instant-win', 60)).toBe(20);
    expect(resolveRetentionDays(overrides, 'winners', 'giveaway', 90)).toBe(90);
    expect(resolveRetentionDays({}, 'runtime_log', 'message')).toBe(7);
  });
});
