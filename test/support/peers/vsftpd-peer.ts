import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSystemUser, freePort, freePortRange, run, stopProcess, waitForPort } from './peer-process.js';

/** A running vsftpd on 127.0.0.1 (passive mode) with one local user. */
export interface VsftpdPeer {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The user's home directory: where relative paths land, readable locally. */
  readonly home: string;
  /** An empty directory `upload` in the home that the user may write to (absolute path). */
  readonly dir: string;
  /** PEM of the CA that signed the server certificate (TLS peers only). */
  readonly caCert: string | undefined;
  stop(): Promise<void>;
}

export interface VsftpdOptions {
  /** Require explicit TLS (AUTH TLS) for login and data, with a certificate from a fresh test CA. */
  readonly tls: boolean;
}

async function makeCertificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const file = (name: string) => path.join(dir, name);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Parley Test CA',
    '-keyout', file('ca.key'), '-out', file('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost',
    '-keyout', file('server.key'), '-out', file('server.csr')]);
  await writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'),
    '-CAcreateserial', '-days', '2', '-extfile', file('server.ext'), '-out', file('server.pem')]);
  return { ca: await readFile(file('ca.pem'), 'utf8'), cert: file('server.pem'), key: file('server.key') };
}

/** Starts `vsftpd` on a free port with a fresh local user; stop it with `stop()`. */
export async function startVsftpd(options: VsftpdOptions): Promise<VsftpdPeer> {
  await mkdir('/var/run/vsftpd/empty', { recursive: true, mode: 0o755 });
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'parley-vsftpd-'));
  const user = await createSystemUser('pftp');
  try {
    await chmod(user.home, 0o755);
    const dir = path.join(user.home, 'upload');
    await mkdir(dir);
    await chown(dir, Number(await run('id', ['-u', user.name])), Number(await run('id', ['-g', user.name])));
    const certificates = options.tls ? await makeCertificates(tmp) : undefined;
    const port = await freePort();
    const passive = await freePortRange(6);
    const lines = [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=NO',
      'local_enable=YES',
      'write_enable=YES',
      'local_umask=022',
      'pam_service_name=vsftpd',
      'secure_chroot_dir=/var/run/vsftpd/empty',
      `userlist_enable=YES`,
      'userlist_deny=NO',
      `userlist_file=${path.join(tmp, 'user_list')}`,
      'pasv_enable=YES',
      `pasv_min_port=${passive.min}`,
      `pasv_max_port=${passive.max}`,
      'pasv_address=127.0.0.1',
      `vsftpd_log_file=${path.join(tmp, 'vsftpd.log')}`,
    ];
    if (certificates) {
      lines.push(
        'ssl_enable=YES',
        `rsa_cert_file=${certificates.cert}`,
        `rsa_private_key_file=${certificates.key}`,
        'force_local_logins_ssl=YES',
        'force_local_data_ssl=YES',
      );
    }
    await writeFile(path.join(tmp, 'user_list'), `${user.name}\n`);
    const config = path.join(tmp, 'vsftpd.conf');
    await writeFile(config, `${lines.join('\n')}\n`);

    const child = spawn('/usr/sbin/vsftpd', [config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForPort(port, child).catch(async (error: unknown) => {
      await stopProcess(child);
      throw new Error(`vsftpd did not start: ${output}`, { cause: error });
    });

    return {
      port,
      user: user.name,
      password: user.password,
      home: user.home,
      dir,
      caCert: certificates?.ca,
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
