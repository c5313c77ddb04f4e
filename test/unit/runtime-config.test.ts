import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config.js';
import { ConfigError } from '../../runtime/errors.js';
import { parseMasterKey } from '../../storage/crypto/master-key.js';

function pathOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).path;
  }
  throw new Error('accepted');
}

describe('process configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, sweepCron: '* * * * *', sweepBatchSize: 5000, logLevel: 'info', handshakesPerIpPerMinute: 60, trustProxyHops: 0 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses bad values naming the variable', () => {
    expect(pathOf(() => loadConfig({ PORT: 'http' }))).toBe('PORT');
    expect(pathOf(() => loadConfig({ PORT: '70000' }))).toBe('PORT');
    expect(pathOf(() => loadConfig({ DATABASE_URL: 'mysql://x' }))).toBe('DATABASE_URL');
    expect(pathOf(() => loadConfig({ PARLEY_SWEEP_BATCH: '-5' }))).toBe('PARLEY_SWEEP_BATCH');
    expect(pathOf(() => loadConfig({ PARLEY_SWEEP_CRON: 'every minute' }))).toBe('PARLEY_SWEEP_CRON');
    expect(pathOf(() => loadConfig({ LOG_LEVEL: 'loud' }))).toBe('LOG_LEVEL');
    expect(pathOf(() => loadConfig({ PARLEY_HANDSHAKES_PER_IP_PER_MINUTE: '0' }))).toBe('PARLEY_HANDSHAKES_PER_IP_PER_MINUTE');
    expect(pathOf(() => loadConfig({ PARLEY_TRUST_PROXY_HOPS: 'yes' }))).toBe('PARLEY_TRUST_PROXY_HOPS');
    expect(pathOf(() => parseMasterKey('too-short'))).toBe('PARLEY_MASTER_KEY');
  });

  it('accepts a master key as hex or base64', () => {
    expect(parseMasterKey('ab'.repeat(32))).toHaveLength(32);
    expect(parseMasterKey(Buffer.alloc(32, 7).toString('base64'))).toEqual(Buffer.alloc(32, 7));
  });
});
