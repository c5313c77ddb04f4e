import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSystemUser, freePort, run, stopProcess, waitForPort } from './peer-process.js';

/** A running OpenSSH server on 127.0.0.1 with a fresh host key and one local user. */
export interface SshdPeer {
  readonly port: number;
  /** The host key fingerprint as `ssh-keygen -lf host.pub -E sha256` prints it (`SHA256:…`). */
  readonly hostKeySha256: string;
  /** A private key (OpenSSH format) the server accepts for `username`. */
  readonly clientPrivateKey: string;
  readonly username: string;
  /** The user's password (accepted only when password authentication is on). */
  readonly password: string;
  /** An empty directory the user may write to (absolute path, also readable locally). */
  readonly dir: string;
  /** Everything sshd has logged so far (LogLevel DEBUG1). */
  log(): string;
  /** Resolves with the log from offset `from` on, once that part matches `pattern`. */
  waitForLog(pattern: RegExp, from: number): Promise<string>;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Allow password authentication (default true). */
  readonly passwordAuthentication?: boolean;
}

/** Starts `/usr/sbin/sshd -D` on a free port; stop it with `stop()`. */
export async function startSshd(options: SshdOptions = {}): Promise<SshdPeer> {
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'parley-sshd-'));
  await chmod(tmp, 0o755);
  const user = await createSystemUser('psftp');
  try {
    const hostKey = path.join(tmp, 'host_ed25519');
    const clientKey = path.join(tmp, 'client_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
    const fingerprint = (await run('ssh-keygen', ['-lf', `${hostKey}.pub`, '-E', 'sha256'])).split(' ')[1]!;
    const authorizedKeys = path.join(tmp, 'authorized_keys');
    await writeFile(authorizedKeys, await readFile(`${clientKey}.pub`), { mode: 0o644 });

    const dir = path.join(user.home, 'upload');
    await mkdir(dir);
    const uid = Number(await run('id', ['-u', user.name]));
    const gid = Number(await run('id', ['-g', user.name]));
    await chown(dir, uid, gid);

    const port = await freePort();
    const config = path.join(tmp, 'sshd_config');
    await writeFile(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${path.join(tmp, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        'StrictModes no',
        `PasswordAuthentication ${options.passwordAuthentication === false ? 'no' : 'yes'}`,
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin no',
        `AllowUsers ${user.name}`,
        'UsePAM no',
        'Subsystem sftp internal-sftp',
        'LogLevel DEBUG1',
        '',
      ].join('\n'),
    );

    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await waitForPort(port, child).catch(async (error: unknown) => {
      await stopProcess(child);
      throw new Error(`sshd did not start: ${log}`, { cause: error });
    });

    return {
      port,
      hostKeySha256: fingerprint,
      clientPrivateKey: await readFile(clientKey, 'utf8'),
      username: user.name,
      password: user.password,
      dir,
      log: () => log,
      waitForLog: (pattern, from) =>
        new Promise((resolve) => {
          const check = () => {
            if (!pattern.test(log.slice(from))) return;
            child.stderr.off('data', check);
            resolve(log.slice(from));
          };
          child.stderr.on('data', check);
          check();
        }),
      async stop() {
        await stopProcess(child);
        await user.remove();
        await rm(tmp, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await user.remove();
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}
