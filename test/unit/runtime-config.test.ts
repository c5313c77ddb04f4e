import os from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { defaultExportConcurrency, loadConfig } from '../../runtime/config.js';
import { isCronExpression } from '../../runtime/cron-expression.js';
import { ConfigError } from '../../core/errors.js';
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
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, sweepCron: '* * * * *', sweepBatchSize: 5000, logLevel: 'info', handshakesPerIpPerMinute: 60, trustProxyHops: 0, codeUploadMaxLines: 1_000_000, statementCache: 64, groupCommit: 2, chatEntryCache: 10_000, exportRunner: 'process', exportNice: 10 });
    expect(loadConfig({ PARLEY_STATEMENT_CACHE: '0' }).statementCache).toBe(0);
    expect(loadConfig({ PARLEY_GROUP_COMMIT: '0' }).groupCommit).toBe(0);
    expect(loadConfig({ PARLEY_CHAT_ENTRY_CACHE: '0' }).chatEntryCache).toBe(0);
    expect(loadConfig({ PARLEY_EXPORT_RUNNER: 'inline' }).exportRunner).toBe('inline');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('runs a quarter of the cores\' export runs at once unless told otherwise, at least one', () => {
    const cores = vi.spyOn(os, 'availableParallelism');
    try {
      for (const [available, runs] of [[1, 1], [2, 1], [7, 1], [8, 2], [16, 4]] as const) {
        cores.mockReturnValue(available);
        expect(defaultExportConcurrency()).toBe(runs);
        expect(loadConfig({}).exportConcurrency).toBe(runs);
      }
    } finally {
      cores.mockRestore();
    }
    expect(loadConfig({ PARLEY_EXPORT_CONCURRENCY: '3' }).exportConcurrency).toBe(3);
  });

  it('reads how long an export run process waits for the next run: a minute unless told, 0 for a process per run', () => {
    expect(loadConfig({}).exportProcessIdleMs).toBe(60_000);
    expect(loadConfig({ PARLEY_EXPORT_PROCESS_IDLE_MS: '0' }).exportProcessIdleMs).toBe(0);
    expect(pathOf(() => loadConfig({ PARLEY_EXPORT_PROCESS_IDLE_MS: '-1' }))).toBe('PARLEY_EXPORT_PROCESS_IDLE_MS');
  });

  it('reads how many consent mails a process sends at once: four unless told', () => {
    expect(loadConfig({}).mailConcurrency).toBe(4);
    expect(loadConfig({ PARLEY_MAIL_CONCURRENCY: '2' }).mailConcurrency).toBe(2);
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
    expect(pathOf(() => loadConfig({ PARLEY_CODE_UPLOAD_MAX_LINES: '0' }))).toBe('PARLEY_CODE_UPLOAD_MAX_LINES');
    expect(pathOf(() => loadConfig({ PARLEY_STATEMENT_CACHE: '-1' }))).toBe('PARLEY_STATEMENT_CACHE');
    expect(pathOf(() => loadConfig({ PARLEY_GROUP_COMMIT: '65' }))).toBe('PARLEY_GROUP_COMMIT');
    expect(pathOf(() => loadConfig({ PARLEY_CHAT_ENTRY_CACHE: '-1' }))).toBe('PARLEY_CHAT_ENTRY_CACHE');
    expect(pathOf(() => loadConfig({ PARLEY_EXPORT_RUNNER: 'thread' }))).toBe('PARLEY_EXPORT_RUNNER');
    expect(pathOf(() => loadConfig({ PARLEY_EXPORT_NICE: '20' }))).toBe('PARLEY_EXPORT_NICE');
    expect(pathOf(() => loadConfig({ PARLEY_EXPORT_CONCURRENCY: '0' }))).toBe('PARLEY_EXPORT_CONCURRENCY');
    expect(pathOf(() => loadConfig({ PARLEY_MAIL_CONCURRENCY: '65' }))).toBe('PARLEY_MAIL_CONCURRENCY');
    expect(pathOf(() => parseMasterKey('too-short'))).toBe('PARLEY_MASTER_KEY');
  });

  it('reads the webhook settings: private targets off by default, a backoff base, attempts, timeout, drain interval and deliveries at once', () => {
    expect(loadConfig({}).webhooks).toEqual({ allowPrivate: false, retryDelaySeconds: 30, maxAttempts: 8, timeoutMs: 10_000, drainIntervalMs: 1_000, concurrency: 8 });
    const set = loadConfig({ PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'true', PARLEY_WEBHOOK_RETRY_DELAY_SECONDS: '1', PARLEY_WEBHOOK_MAX_ATTEMPTS: '3', PARLEY_WEBHOOK_TIMEOUT_MS: '500', PARLEY_WEBHOOK_DRAIN_MS: '100', PARLEY_WEBHOOK_CONCURRENCY: '2' });
    expect(set.webhooks).toEqual({ allowPrivate: true, retryDelaySeconds: 1, maxAttempts: 3, timeoutMs: 500, drainIntervalMs: 100, concurrency: 2 });
    expect(pathOf(() => loadConfig({ PARLEY_WEBHOOK_CONCURRENCY: '0' }))).toBe('PARLEY_WEBHOOK_CONCURRENCY');
    expect(pathOf(() => loadConfig({ PARLEY_WEBHOOKS_ALLOW_PRIVATE: 'yes' }))).toBe('PARLEY_WEBHOOKS_ALLOW_PRIVATE');
    expect(pathOf(() => loadConfig({ PARLEY_WEBHOOK_RETRY_DELAY_SECONDS: '0' }))).toBe('PARLEY_WEBHOOK_RETRY_DELAY_SECONDS');
    expect(pathOf(() => loadConfig({ PARLEY_WEBHOOK_MAX_ATTEMPTS: '21' }))).toBe('PARLEY_WEBHOOK_MAX_ATTEMPTS');
  });

  it('names PARLEY_SWEEP_CRON when it is not a cron expression, not only when it has the wrong number of fields', () => {
    for (const bad of ['a b c d e', '61 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 8', '*/0 * * * *', '5-1 * * * *', '1-2-3 * * * *', '* * * foo *', '1,,2 * * * *', '@hourly']) {
      expect(pathOf(() => loadConfig({ PARLEY_SWEEP_CRON: bad })), bad).toBe('PARLEY_SWEEP_CRON');
    }
    for (const good of ['* * * * *', '*/5 * * * *', '0 9 * * mon-fri', '0 0 1 jan,jul *', '15,45 8-18/2 * * 1-5', '0 3 * * 7', ' 30 2 * * SUN ']) {
      expect(isCronExpression(good), good).toBe(true);
      expect(loadConfig({ PARLEY_SWEEP_CRON: good }).sweepCron).toBe(good);
    }
  });

  it('accepts a master key as hex or base64', () => {
    expect(parseMasterKey('ab'.repeat(32))).toHaveLength(32);
    expect(parseMasterKey(Buffer.alloc(32, 7).toString('base64'))).toEqual(Buffer.alloc(32, 7));
  });
});
