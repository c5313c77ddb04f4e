import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../core/clock.js';
import { runCli } from '../../../runtime/cli/run-cli.js';
import { loadConfig } from '../../../runtime/config.js';
import { createLogger } from '../../../runtime/logger.js';
import { startServer, type RunningServer } from '../../../runtime/server.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { generateMasterKey, masterKeyId } from '../../../storage/crypto/master-key.js';
import { getRun } from '../../../storage/export-run-repository.js';
import { openStorage, type Storage } from '../../../storage/storage.js';
import { writeStoreRow } from '../../../storage/store-batch-writer.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { createTestDatabase } from '../../support/test-database.js';
import { api } from '../../support/test-server.js';
import { waitUntil } from '../../support/wait-until.js';

/**
 * A master key rotation as an operator runs it: every process gets the new key as
 * PARLEY_MASTER_KEY and the old one in PARLEY_PREVIOUS_MASTER_KEYS, `parley master-key rewrap`
 * wraps the data keys again, and then the old key is no longer needed.
 */
const OLD = generateMasterKey();
const NEW = generateMasterKey();
const id = (key: string) => masterKeyId(Buffer.from(key, 'hex'));

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataDir: string;
const opened: Storage[] = [];
const servers: RunningServer[] = [];
/** Workspaces under the old key: one wrapped before keys had ids, one after, and one crypto-shredded. */
let legacy: string;
let recorded: string;
let shredded: string;
let sealedEmail: Buffer;

async function storageWith(masterKey: string, previousMasterKeys: readonly string[] = []): Promise<Storage> {
  const storage = await openStorage({ connectionString: database.url, masterKey, previousMasterKeys, clock: systemClock, schedule: false, poolSize: 4 });
  opened.push(storage);
  return storage;
}

async function cli(env: Record<string, string>, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { env: { DATABASE_URL: database.url, LOG_LEVEL: 'silent', PARLEY_DATA_DIR: dataDir, ...env }, stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
  return { code, out, err };
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as { code?: string; message: string });

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'parley-rotation-'));
  const before = await storageWith(OLD);
  [legacy, recorded, shredded] = await Promise.all(['Legacy', 'Recorded', 'Shredded'].map(async (name) => (await createWorkspace(before, { name })).id)) as [string, string, string];
  await before.keyring.destroyKey(shredded);
  sealedEmail = await before.keyring.encryptJson(recorded, { email: 'ann@example.org' });
  // A data key wrapped before migration 0030 does not say which master key wraps it.
  await before.db.updateTable('workspace_data_keys').set({ master_key_id: null }).where('workspace_id', '=', legacy).execute();
  await writeStoreRow(before, legacy, { table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 30, personal: { email: 'bob@example.org' } });
});

afterAll(async () => {
  for (const server of servers) await server.close().catch(() => {});
  for (const storage of opened) await storage.close().catch(() => {});
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('master key rotation', () => {
  it('names the key it lacks, rewraps with the previous key given, and then needs only the new key', async () => {
    // The new key alone opens nothing of before, and says why without showing any key.
    const alone = await storageWith(NEW);
    const lacking = await failure(alone.keyring.decryptJson(recorded, sealedEmail));
    expect(lacking).toMatchObject({ code: 'decryption_failed', message: `The workspace's data key is wrapped by master key ${id(OLD)}, which is neither PARLEY_MASTER_KEY nor one of PARLEY_PREVIOUS_MASTER_KEYS` });
    expect(await failure(alone.keyring.lookupHash(legacy, 'bob@example.org'))).toMatchObject({ code: 'decryption_failed', message: expect.stringContaining('opens with neither PARLEY_MASTER_KEY nor any of PARLEY_PREVIOUS_MASTER_KEYS') });
    const unhelped = await cli({ PARLEY_MASTER_KEY: NEW }, 'master-key', 'status');
    expect(unhelped).toEqual({
      code: 0, err: '',
      out: `${id(NEW)}\tcurrent\t0 data keys\n${id(OLD)}\tnot configured\t1 data keys\nunknown\topened by no configured key\t1 data keys\ndestroyed\t1 data keys\n2 data keys are not wrapped by the current master key: run \`parley master-key rewrap\`\n`,
    });
    const refused = await cli({ PARLEY_MASTER_KEY: NEW }, 'master-key', 'rewrap');
    expect(refused).toMatchObject({ code: 1, out: `rewrapped\t0 data keys\nalready current\t0 data keys\nmaster key\t${id(NEW)}\n` });
    expect(refused.err).toMatch(/^parley: 2 data keys open with none of the configured master keys \(workspaces .+\); add the key that wraps them to PARLEY_PREVIOUS_MASTER_KEYS and run this again\n$/);
    expect(refused.err).toContain(legacy);
    for (const key of [OLD, NEW]) expect(unhelped.out + refused.out + refused.err).not.toContain(key);

    // With the old key as a previous one, a process reads everything while the keys are rewrapped.
    const during = { PARLEY_MASTER_KEY: NEW, PARLEY_PREVIOUS_MASTER_KEYS: ` ${OLD}, ` };
    const both = await storageWith(NEW, [OLD]);
    expect(await both.keyring.decryptJson(recorded, sealedEmail)).toEqual({ email: 'ann@example.org' });
    expect(await cli(during, 'master-key', 'status')).toMatchObject({ code: 0, out: `${id(NEW)}\tcurrent\t0 data keys\n${id(OLD)}\tprevious\t2 data keys\ndestroyed\t1 data keys\n2 data keys are not wrapped by the current master key: run \`parley master-key rewrap\`\n` });
    expect(await cli(during, 'master-key', 'rewrap')).toEqual({ code: 0, err: '', out: `rewrapped\t2 data keys\nalready current\t0 data keys\nmaster key\t${id(NEW)}\n` });
    expect(await cli(during, 'master-key', 'rewrap')).toEqual({ code: 0, err: '', out: `rewrapped\t0 data keys\nalready current\t2 data keys\nmaster key\t${id(NEW)}\n` });

    // Now the new key alone opens it all; the shredded workspace stays shredded.
    const after = await storageWith(NEW);
    expect(await after.keyring.decryptJson(recorded, sealedEmail)).toEqual({ email: 'ann@example.org' });
    expect(await after.keyring.lookupHash(legacy, 'bob@example.org')).toEqual(await both.keyring.lookupHash(legacy, 'bob@example.org'));
    expect(await failure(after.keyring.decryptJson(shredded, sealedEmail))).toMatchObject({ code: 'data_key_destroyed' });
    const keys = await after.db.selectFrom('workspace_data_keys').select(['workspace_id', 'master_key_id', 'wrapped_key']).orderBy('workspace_id').execute();
    expect(keys.map((k) => [k.workspace_id, k.master_key_id, k.wrapped_key === null])).toEqual([[legacy, id(NEW), false], [recorded, id(NEW), false], [shredded, null, true]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    expect(await cli({ PARLEY_MASTER_KEY: NEW }, 'master-key', 'status')).toEqual({ code: 0, err: '', out: `${id(NEW)}\tcurrent\t2 data keys\ndestroyed\t1 data keys\nevery data key is wrapped by the current master key\n` });
    // A process left on the old key alone can no longer open a key it has not kept.
    const stale = await storageWith(OLD);
    expect(await failure(stale.keyring.decryptJson(recorded, sealedEmail))).toMatchObject({ code: 'decryption_failed', message: expect.stringContaining(`master key ${id(NEW)}`) });
  });

  it('refuses a previous key that is not a key, without echoing it', async () => {
    const result = await cli({ PARLEY_MASTER_KEY: NEW, PARLEY_PREVIOUS_MASTER_KEYS: `${OLD},not-a-key-at-all` }, 'master-key', 'status');
    expect(result).toEqual({ code: 1, out: '', err: 'parley: PARLEY_PREVIOUS_MASTER_KEYS: Master key must be 32 bytes, as 64 hex digits or base64\n' });
  });

  it("gives the previous keys to the server's export processes, which read personal values of data keys the old key wraps", async () => {
    const storage = await storageWith(NEW, [OLD]);
    const workspace = (await createWorkspace((await storageWith(OLD)), { name: 'Exports' })).id;
    await writeStoreRow(storage, workspace, { table: 'participations', moduleId: 'giveaway', defaultRetentionDays: 30, personal: { email: 'cleo@example.org' } });
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', PARLEY_EXPORT_RUNNER: 'process', PARLEY_DATA_DIR: dataDir, PARLEY_EXPORT_PROCESS_IDLE_MS: '0', PARLEY_PREVIOUS_MASTER_KEYS: OLD });
    const server = await startServer({ config, storage, masterKey: NEW, logger: createLogger('silent'), clock: systemClock });
    servers.push(server);
    const key = (await issueApiKey(storage.db, workspace)).key;
    const created = await api(server.url, key, 'POST', '/api/v1/exports', {
      name: 'Emails', source: { table: 'participations' }, fields: [{ field: 'personal.email', column: 'email' }],
      format: { type: 'csv' }, fileNamePattern: 'emails', destination: { kind: 'local', directory: 'rotation' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const started = await api(server.url, key, 'POST', `/api/v1/exports/${created.body.id}/runs`);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const run = await waitUntil(async () => {
      const found = await getRun(storage, started.body.id);
      return found && found.status !== 'queued' && found.status !== 'running' ? found : undefined;
    }, { what: 'the run to finish', timeoutMs: 60_000, intervalMs: 200 });
    expect(run).toMatchObject({ status: 'succeeded', rows: 1, error: null });
    expect((await readFile(path.join(dataDir, 'exports', 'rotation', run.fileName!), 'utf8')).trim().split(/\r?\n/)).toEqual(['email', 'cleo@example.org']);
  });
});
