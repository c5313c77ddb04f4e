import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-database.js';
import { runCli } from '../../runtime/cli/run-cli.js';
import { generateMasterKey } from '../../storage/crypto/master-key.js';
import { openStorage, type Storage } from '../../storage/storage.js';
import { systemClock } from '../../core/clock.js';
import { authenticateApiKey } from '../../storage/api-key-repository.js';
import { insertBulkRows } from '../support/bulk-rows.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const masterKey = generateMasterKey();
let env: NodeJS.ProcessEnv;
let dataDir: string;

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { env, stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
  return { code, out, err };
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-cli-'));
  env = { DATABASE_URL: database.url, PARLEY_MASTER_KEY: masterKey, LOG_LEVEL: 'silent', PARLEY_DATA_DIR: dataDir, PARLEY_EXPORT_FILE_DAYS: '30' };
});
afterAll(async () => {
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('parley CLI', () => {
  it('migrates, creates a workspace with a working key, revokes it, and sweeps', async () => {
    // Whole results are compared, so a failure shows the exit code and stderr next to stdout.
    expect(await cli('migrate')).toEqual({ code: 0, err: '', out: expect.stringContaining('0001-foundation') });
    expect(await cli('migrate')).toEqual({ code: 0, err: '', out: expect.stringContaining('up to date') });

    const created = await cli('workspace', 'create', '--name', 'Acme', '--time-zone', 'Europe/Paris');
    expect(created).toEqual({ code: 0, err: '', out: expect.stringContaining('api key: pk_') });
    const workspaceId = /workspace: (\S+)/.exec(created.out)![1]!;
    const keyId = /api key id: (\S+)/.exec(created.out)![1]!;
    const key = /api key: (pk_\S+)/.exec(created.out)![1]!;

    const storage: Storage = await openStorage({ connectionString: database.url, masterKey, clock: systemClock, schedule: false });
    try {
      expect(await authenticateApiKey(storage.db, key)).toEqual({ keyId, workspaceId, access: 'full', scopes: null });
      const reader = await cli('key', 'create', '--workspace', workspaceId, '--name', 'reports', '--read-only', '--expires-in-days', '90');
      expect(reader).toEqual({ code: 0, err: '', out: expect.stringMatching(/^api key id: \S+\napi key: pk_\S+\naccess: read\nscopes: all\nexpires: \d{4}-\d\d-\d\dT[\d:.]+Z\n$/) });
      const crm = await cli('key', 'create', '--workspace', workspaceId, '--name', 'crm', '--scopes', 'subjects, data');
      expect(crm).toEqual({ code: 0, err: '', out: expect.stringMatching(/\naccess: full\nscopes: subjects,data\nexpires: never\n$/) });
      expect(await authenticateApiKey(storage.db, /api key: (pk_\S+)/.exec(crm.out)![1]!)).toMatchObject({ workspaceId, access: 'full', scopes: ['subjects', 'data'] });
      const expires = Date.parse(/expires: (\S+)/.exec(reader.out)![1]!);
      expect(Math.abs(expires - (Date.now() + 90 * 86_400_000))).toBeLessThan(3_600_000);
      expect(await authenticateApiKey(storage.db, /api key: (pk_\S+)/.exec(reader.out)![1]!)).toMatchObject({ workspaceId, access: 'read' });
      expect(await cli('key', 'revoke', '--workspace', workspaceId, '--key', keyId)).toEqual({ code: 0, err: '', out: 'revoked\n' });
      expect(await authenticateApiKey(storage.db, key)).toBeUndefined();

      await insertBulkRows(storage.db, { workspaceId, table: 'codes', count: 1234, createdAt: new Date(Date.now() - 86_400_000), expiresAt: new Date(Date.now() - 1000) });
      // Files delivered to a local destination: one written 31 days ago, one yesterday.
      const delivered = path.join(dataDir, 'exports', 'daily');
      await mkdir(delivered, { recursive: true });
      for (const [name, days] of [['old.csv', 31], ['new.csv', 1]] as const) {
        await writeFile(path.join(delivered, name), 'email\n');
        const written = new Date(Date.now() - days * 86_400_000);
        await utimes(path.join(delivered, name), written, written);
      }
      const swept = await cli('sweep', '--batch-size', '500');
      expect(swept).toEqual({ code: 0, err: '', out: expect.stringMatching(/codes\t1234 rows\t3 batches[\s\S]*export files\t1 removed\t1 kept\n$/) });
      expect(await readdir(delivered)).toEqual(['new.csv']);
    } finally {
      await storage.close();
    }
  });

  it('refuses bad input with a clear error and a non-zero exit', async () => {
    const bad = await cli('workspace', 'create', '--name', 'X', '--time-zone', 'Nowhere/Land');
    expect(bad).toEqual({ code: 1, out: '', err: 'parley: --time-zone: Time zone must be an IANA zone name such as Europe/Paris\n' });
    const never = await cli('key', 'create', '--workspace', '00000000-0000-4000-8000-000000000001', '--expires-in-days', 'soon');
    expect(never).toEqual({ code: 2, out: '', err: 'parley: --expires-in-days: must be a whole number of days from 1 to 3650\n(see parley --help)\n' });
    const keys = await cli('key', 'create', '--workspace', '00000000-0000-4000-8000-000000000001', '--scopes', 'subjects,api-keys');
    expect(keys).toEqual({ code: 2, out: '', err: 'parley: --scopes: must be parts of the API among flows, exports, data, subjects, webhooks, codes, draws, audit, workspace\n(see parley --help)\n' });
    expect(await cli('frobnicate')).toEqual({ code: 2, out: '', err: 'parley: unknown command "frobnicate"\n(see parley --help)\n' });
    expect((await cli('key', 'revoke', '--workspace', '00000000-0000-4000-8000-000000000000', '--key', '00000000-0000-4000-8000-000000000001')).err).toBe('parley: --key: no such live key in this workspace\n');
  });
});
