import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, startDeliveryFixture, type DeliveryFixture } from '../../support/delivery-fixture.js';
import { createGpgHome, type GpgHome } from '../../support/peers/gpg-cli.js';

let fixture: DeliveryFixture;
let gpg: GpgHome;
let partnerKey: string;

beforeAll(async () => {
  // Keys are made now by the real gpg; the server's clock must not be before their creation.
  [fixture, gpg] = await Promise.all([startDeliveryFixture({ start: new Date(Date.now() + 3_600_000) }), createGpgHome()]);
  partnerKey = await gpg.exportPublicKeys(await gpg.generateKey('Partner <partner@example.org>', 'default', 'default', 'never'));
  await fixture.play('ann@example.org', 'Ann');
  fixture.storage.clock.advance(60_000);
  await fixture.play('bob@example.org', 'Bob');
});

afterAll(async () => {
  await Promise.all([fixture?.close(), gpg?.remove()]);
});

const definition = (name: string, publicKey: string) => ({
  name,
  source: { flow: 'spring' },
  fields: [{ field: 'form.email', column: 'EMAIL' }, { field: 'form.nickname', column: 'NICK' }],
  format: { type: 'csv' },
  fileNamePattern: '{export}-{run}',
  destination: { kind: 'local', directory: 'sealed' },
  encryption: { publicKey },
});

describe('GPG-encrypted delivery', () => {
  it('delivers <name>.gpg that gpg --decrypt turns back into the unencrypted render', async () => {
    const { id } = await fixture.createExport(definition('Sealed', partnerKey));
    const render = Buffer.from((await fixture.call('POST', `/exports/${id}/preview`, {})).body.text as string, 'utf8');
    expect(render.toString('utf8')).toContain('ann@example.org');

    const run = await fixture.waitForRun(id, await fixture.startRun(id));
    expect(run.status).toBe('succeeded');
    expect(run.fileName).toBe('Sealed-1.csv.gpg');
    const dir = path.join(fixture.dataDir, 'exports', 'sealed');
    expect(await readdir(dir)).toEqual(['Sealed-1.csv.gpg']);
    const sealed = await readFile(path.join(dir, run.fileName!));
    expect(sealed.includes(Buffer.from('ann@example.org'))).toBe(false);
    expect(run).toMatchObject({ rows: 2, bytes: sealed.length, sha256: sha256Hex(sealed) });
    expect((await gpg.decrypt(sealed)).equals(render)).toBe(true);
  });

  it('refuses unusable keys on save with the path /encryption/publicKey and the reason', async () => {
    // gpg's faked clock makes a key that expired on 2020-01-02.
    await gpg.run(['--faked-system-time', '20200101T000000', '--quick-generate-key', 'Old <old@example.org>', 'default', 'default', '1d']);
    const expiredKey = await gpg.exportPublicKeys('Old <old@example.org>');
    const revokedFpr = await gpg.generateKey('Gone <gone@example.org>', 'default', 'default', 'never');
    await gpg.revoke(revokedFpr);
    const signingFpr = await gpg.generateKey('Signer <signer@example.org>', 'ed25519', 'sign', 'never');
    const cases: Array<[string, string, RegExp]> = [
      ['expired', expiredKey, /^The GPG key has expired \(on 2020-01-02\)$/],
      ['revoked', await gpg.exportPublicKeys(revokedFpr), /^The GPG key has been revoked$/],
      ['signing-only', await gpg.exportPublicKeys(signingFpr), /^The GPG key has no valid key that can encrypt/],
      ['private', await gpg.exportSecretKey(signingFpr), /^The GPG key is a private key/],
      ['garbage', 'this is not a key at all', /^The GPG key is not an ASCII-armored OpenPGP public key block$/],
      ['corrupted', '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAAnot base64 at all!!\n-----END PGP PUBLIC KEY BLOCK-----\n', /^The GPG key block could not be read/],
    ];
    for (const [label, key, message] of cases) {
      const response = await fixture.call('POST', '/exports', definition(`Refused ${label}`, key));
      expect(response.status, label).toBe(400);
      expect(response.body.error.path, label).toBe('/encryption/publicKey');
      expect(response.body.error.message, label).toMatch(message);
      expect(JSON.stringify(response.body), label).not.toContain('BEGIN PGP');
    }
    expect((await fixture.call('GET', '/exports')).body.exports.map((e: { definition: { name: string } }) => e.definition.name)).toEqual(['Sealed']);
  });
});
