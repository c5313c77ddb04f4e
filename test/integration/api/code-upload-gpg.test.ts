import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { createGpgHome, type GpgHome } from '../../support/peers/gpg-cli.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';

let storage: TestStorage;
let server: RunningServer;
let contract: OpenApiContract;
let partner: GpgHome;

beforeAll(async () => {
  [storage, partner] = await Promise.all([createTestStorage(), createGpgHome()]);
  server = await startTestServer(storage);
  contract = await OpenApiContract.fetch(server.url);
});
afterAll(async () => {
  await server?.close();
  await storage?.destroy();
  await partner?.remove();
});

const codesFlow = {
  name: 'Codes',
  steps: [{ id: 'reward', module: 'codes', config: { mode: 'distribute', text: 'Your code: {{code}}' } }],
};

/** A fresh workspace with a codes flow, and a call that checks each answer against the OpenAPI document. */
async function codesWorkspace(name: string) {
  const workspace = await createWorkspace(storage, { name });
  await saveTestFlow(storage, workspace, 'codes', codesFlow);
  const { key } = await issueApiKey(storage.db, workspace.id);
  const call = async (operationId: string, method: string, path: string, body?: unknown) => {
    const response = await api(server.url, key, method, `/api/v1${path}`, body);
    expect(contract.check(operationId, response.status, response.body), `${operationId} ${response.status} ${JSON.stringify(response.body)}`).toEqual([]);
    return response;
  };
  const upload = async (body: Buffer | string) => {
    const response = await fetch(`${server.url}/api/v1/flows/codes/steps/reward/codes/csv`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, body: typeof body === 'string' ? body : new Uint8Array(body) });
    const parsed = await response.json();
    expect(contract.check('uploadCodesCsv', response.status, parsed)).toEqual([]);
    return { status: response.status, body: parsed };
  };
  const total = async () => (await call('getCodeStats', 'GET', '/flows/codes/steps/reward/codes')).body.total as number;
  return { workspace, call, upload, total };
}

const csv = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`).join('\n');

/** What a partner does with the workspace's public key: import it into their own gpg and encrypt a file to it. */
async function encryptTo(publicKey: string, fingerprint: string, plain: string, armor = false): Promise<Buffer> {
  await partner.run(['--import'], publicKey);
  return partner.run(['--trust-model', 'always', '--encrypt', ...(armor ? ['--armor'] : []), '--recipient', fingerprint], plain);
}

describe('code lists sent GPG-encrypted to the workspace', () => {
  it('makes the workspace a key pair that gpg imports, and decrypts binary and armored uploads as they stream', async () => {
    const { call, upload, total } = await codesWorkspace('Encrypted codes');
    expect((await call('getWorkspaceGpgKey', 'GET', '/workspace/gpg-key')).status).toBe(404);

    const created = await call('createWorkspaceGpgKey', 'POST', '/workspace/gpg-key');
    expect(created.status).toBe(201);
    const { fingerprint, publicKey } = created.body;
    expect(publicKey).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(publicKey).not.toContain('PRIVATE');
    expect((await call('getWorkspaceGpgKey', 'GET', '/workspace/gpg-key')).body).toEqual(created.body);
    await partner.run(['--import'], publicKey);
    const listed = (await partner.run(['--with-colons', '--list-keys', fingerprint])).toString('utf8');
    expect(listed).toMatch(new RegExp(`^fpr:+${fingerprint}:`, 'm'));
    expect(listed).toMatch(/^sub:[^:]*:[^:]*:18:.*:e:/m);

    const binary = await encryptTo(publicKey, fingerprint, csv('BIN', 5000));
    expect(binary.includes(Buffer.from('BIN-00001'))).toBe(false);
    expect((await upload(binary)).body).toEqual({ added: 5000, duplicates: 0 });
    const armored = await encryptTo(publicKey, fingerprint, `${csv('ARM', 3)}\nBIN-00001`, true);
    expect(armored.toString('utf8')).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    expect((await upload(armored)).body).toEqual({ added: 3, duplicates: 1 });
    // Armor after a BOM and blank lines is still armor (never read as lines of codes).
    const padded = await encryptTo(publicKey, fingerprint, 'PAD-1', true);
    expect((await upload(Buffer.concat([Buffer.from('\ufeff\r\n  \n'), padded]))).body).toEqual({ added: 1, duplicates: 0 });
    // A plain CSV still goes in as before.
    expect((await upload('PLAIN-1\nPLAIN-2')).body).toEqual({ added: 2, duplicates: 0 });
    expect(await total()).toBe(5006);
    const audit = await call('listAudit', 'GET', '/audit?action=workspace.gpg_key_created');
    expect(audit.body.entries.map((e: { target: string }) => e.target)).toEqual([fingerprint]);
  });

  it('refuses, adding nothing, a file for another key, an altered one, one for a replaced key, and any when the workspace has no key', async () => {
    const { call, upload, total } = await codesWorkspace('Refusals');
    const partnersOwn = await partner.generateKey('Partner <partner@example.org>', 'ed25519', 'sign', 'never');
    await partner.addSubkey(partnersOwn, 'cv25519', 'encr', 'never');
    const forPartner = await partner.run(['--trust-model', 'always', '--encrypt', '--recipient', partnersOwn], csv('X', 10));
    const noKey = await upload(forPartner);
    expect(noKey.status).toBe(400);
    expect(noKey.body.error).toMatchObject({ path: '/body', message: expect.stringContaining('no key to decrypt it') });
    // A large refused file (several MB) gets its refusal too: the server reads the rest and drops it.
    const random = Array.from({ length: 150_000 }, () => randomBytes(16).toString('hex')).join('\n');
    const large = await partner.run(['--trust-model', 'always', '--compress-algo', 'none', '--encrypt', '--recipient', partnersOwn], random);
    expect(large.length).toBeGreaterThan(4_000_000);
    expect((await upload(large)).status).toBe(400);

    const first = (await call('createWorkspaceGpgKey', 'POST', '/workspace/gpg-key')).body;
    const otherKey = await upload(forPartner);
    expect(otherKey.status).toBe(400);
    expect(otherKey.body.error.message).toContain('not a GPG message the workspace’s key can open');

    const good = await encryptTo(first.publicKey, first.fingerprint, csv('OK', 20_000));
    const altered = Buffer.from(good);
    altered[altered.length - 30] ^= 0xff;
    const tampered = await upload(altered);
    expect(tampered.status).toBe(400);
    expect(tampered.body.error.message).toContain('damaged or was altered');
    expect(await total()).toBe(0);

    const second = (await call('createWorkspaceGpgKey', 'POST', '/workspace/gpg-key')).body;
    expect(second.fingerprint).not.toBe(first.fingerprint);
    expect((await upload(good)).status).toBe(400);
    expect(await total()).toBe(0);
    expect((await upload(await encryptTo(second.publicKey, second.fingerprint, csv('OK', 20_000)))).body).toEqual({ added: 20_000, duplicates: 0 });
  });
});
