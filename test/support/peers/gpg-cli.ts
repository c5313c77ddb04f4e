import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The real `gpg` binary working in a temporary GNUPGHOME, for making test keys and decrypting. */
export interface GpgHome {
  readonly home: string;
  /** Runs gpg with `args` (batch mode, no passphrase), feeding `input`; rejects on a non-zero exit. */
  run(args: readonly string[], input?: Buffer | string): Promise<Buffer>;
  /** `--quick-generate-key`, e.g. ('T <t@example.org>', 'ed25519', 'sign', 'never'); returns the fingerprint. */
  generateKey(userId: string, algorithm: string, usage: string, expire: string): Promise<string>;
  /** `--quick-add-key`, e.g. (fingerprint, 'cv25519', 'encr', 'never'). */
  addSubkey(fingerprint: string, algorithm: string, usage: string, expire: string): Promise<void>;
  /** `--armor --export` of the given keys (one armored block). */
  exportPublicKeys(...fingerprints: string[]): Promise<string>;
  exportSecretKey(fingerprint: string): Promise<string>;
  /** Revokes the key by importing the revocation certificate gpg made when it generated the key. */
  revoke(fingerprint: string): Promise<void>;
  /** The expiry gpg records for the primary key, or null when it never expires. */
  expiresAt(fingerprint: string): Promise<Date | null>;
  /** `gpg --decrypt` of `data`: the plaintext, or a rejection when gpg cannot decrypt it. */
  decrypt(data: Buffer): Promise<Buffer>;
  /** Stops this home's gpg-agent and deletes the directory. */
  remove(): Promise<void>;
}

/** Runs `command` with GNUPGHOME set; resolves with stdout, rejects with stderr on a non-zero exit. */
function execute(command: string, home: string, args: readonly string[], input?: Buffer | string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, GNUPGHOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(Buffer.concat(stdout));
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${Buffer.concat(stderr).toString('utf8')}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** Creates an empty GNUPGHOME under the system temp directory (short, for the agent's socket path). */
export async function createGpgHome(): Promise<GpgHome> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'pgpg-'));
  const run = (args: readonly string[], input?: Buffer | string): Promise<Buffer> =>
    execute('gpg', home, ['--batch', '--yes', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], input);
  const colons = async (fingerprint: string): Promise<string[][]> =>
    (await run(['--with-colons', '--list-keys', fingerprint])).toString('utf8').split('\n').map((line) => line.split(':'));

  return {
    home,
    run,
    async generateKey(userId, algorithm, usage, expire) {
      await run(['--quick-generate-key', userId, algorithm, usage, expire]);
      const fpr = (await colons(userId)).find((fields) => fields[0] === 'fpr');
      if (!fpr?.[9]) throw new Error(`gpg made no key for ${userId}`);
      return fpr[9];
    },
    async addSubkey(fingerprint, algorithm, usage, expire) {
      await run(['--quick-add-key', fingerprint, algorithm, usage, expire]);
    },
    async exportPublicKeys(...fingerprints) {
      return (await run(['--armor', '--export', ...fingerprints])).toString('utf8');
    },
    async exportSecretKey(fingerprint) {
      return (await run(['--armor', '--export-secret-keys', fingerprint])).toString('utf8');
    },
    async revoke(fingerprint) {
      const stored = await readFile(path.join(home, 'openpgp-revocs.d', `${fingerprint}.rev`), 'utf8');
      // gpg guards the stored certificate with a leading colon so it cannot be imported by accident.
      await run(['--import'], stored.replace(/^:-----BEGIN/m, '-----BEGIN'));
    },
    async expiresAt(fingerprint) {
      const pub = (await colons(fingerprint)).find((fields) => fields[0] === 'pub');
      const seconds = pub?.[6];
      return seconds ? new Date(Number(seconds) * 1000) : null;
    },
    async decrypt(data) {
      return run(['--decrypt'], data);
    },
    async remove() {
      await execute('gpgconf', home, ['--kill', 'gpg-agent']).catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
}
