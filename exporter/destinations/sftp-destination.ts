import { once } from 'node:events';
import { posix } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import SftpClient from 'ssh2-sftp-client';
import { DestinationError } from '../../core/errors.js';
import { compileSchema, validateOrThrow } from '../../core/schema-validator.js';
import { untilAborted } from './abort-race.js';
import type { Destination } from './destination.js';
import { DigestStream } from './digest-stream.js';
import { guardedCheck, guardedUpload } from './guarded-upload.js';
import { matchesFingerprint } from './host-key-fingerprint.js';
import { remoteLocation } from './remote-location.js';
import { sftpConfigSchema, type SftpConfig } from './sftp-config.js';
import { sftpConnectFailure, sftpOperationFailure, type SftpConnectState } from './sftp-failure.js';
import { removeStaleParts, type PartDirectory } from './stale-parts.js';
import { probeName, temporaryName } from './temporary-name.js';

const validateConfig = compileSchema<SftpConfig>(sftpConfigSchema);

/** Connection settings an operator (or a test) may tune; not part of a workspace's config. */
export interface SftpOptions {
  /** How long the connection and login may take, in ms (default 20 s). */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;
/** Files are readable by the owner and its group only: exports hold personal data. */
const FILE_MODE = 0o640;
/** Bytes buffered for the remote file; ssh2 sends buffered chunks as concurrent SFTP writes (writev). */
const WRITE_WINDOW_BYTES = 1024 * 1024;

/** One logged-in SFTP connection, with the target directory resolved by the server. */
interface SftpSession {
  readonly client: SftpClient;
  /** Absolute path of the configured directory. */
  readonly directory: string;
  /** Whether the server offers `posix-rename@openssh.com` (a rename that replaces the target). */
  readonly posixRename: boolean;
}

/** What is used here of the ssh2 connection under an SFTP client. */
type SshConnection = NodeJS.EventEmitter & { destroy(): void };

/** The ssh2 connection ssh2-sftp-client keeps as `client` (its types do not declare it). */
function sshConnection(client: SftpClient): SshConnection {
  return (client as unknown as { client: SshConnection }).client;
}

/** Destroys the connection: this also interrupts a pending handshake. */
function dropConnection(client: SftpClient): void {
  sshConnection(client).destroy();
}

function connectOptions(config: SftpConfig, options: SftpOptions, state: SftpConnectState): SftpClient.ConnectOptions {
  const credentials =
    config.password !== undefined
      ? { password: config.password }
      : { privateKey: config.privateKey, ...(config.passphrase !== undefined ? { passphrase: config.passphrase } : {}) };
  return {
    host: config.host,
    port: config.port,
    username: config.username,
    ...credentials,
    // Runs during key exchange, before any credential is sent: a mismatch ends the connection there.
    hostVerifier: (key: Buffer): boolean => {
      const matches = matchesFingerprint(key, config.hostKeySha256);
      if (!matches) state.hostKeyRejected = true;
      return matches;
    },
    tryKeyboard: false,
    readyTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    keepaliveInterval: 15_000,
    keepaliveCountMax: 3,
  };
}

async function openSession(config: SftpConfig, options: SftpOptions, signal: AbortSignal | undefined): Promise<SftpSession> {
  const state: SftpConnectState = { hostKeyRejected: false, lastError: undefined };
  // Own callbacks replace the library's defaults, which print every connection event to the console.
  const client = new SftpClient('parley', { error: () => undefined, end: () => undefined, close: () => undefined });
  client.on('error', (error: unknown) => {
    state.lastError = error;
  });
  try {
    const wrapper = await untilAborted(client.connect(connectOptions(config, options, state)), signal, () => dropConnection(client));
    const directory = await untilAborted(client.realPath(config.directory), signal);
    if (directory === '') throw new DestinationError('The SFTP directory does not exist', { retryable: false });
    const extensions = (wrapper as unknown as { _extensions?: Record<string, string> })._extensions;
    return { client, directory, posixRename: extensions?.['posix-rename@openssh.com'] === '1' };
  } catch (error) {
    dropConnection(client);
    throw sftpConnectFailure(error, state);
  }
}

async function closeSession(session: SftpSession): Promise<void> {
  await session.client.end().catch(() => dropConnection(session.client));
}

/** Removes `path`, over `session` while it is alive, else over a fresh connection; never throws. */
async function removeQuietly(config: SftpConfig, options: SftpOptions, session: SftpSession, path: string): Promise<void> {
  try {
    await session.client.delete(path, true);
  } catch {
    const fresh = await openSession(config, options, undefined).catch(() => undefined);
    if (!fresh) return;
    await fresh.client.delete(path, true).catch(() => undefined);
    await closeSession(fresh);
  }
}

/** Streams `source` through `digest` into a new remote file, resolving once the server has closed it. */
async function writeRemote(session: SftpSession, source: Readable, digest: DigestStream, path: string, signal?: AbortSignal): Promise<void> {
  const remote = session.client.createWriteStream(path, { flags: 'wx', mode: FILE_MODE, highWaterMark: WRITE_WINDOW_BYTES });
  const closed = once(remote, 'close');
  closed.catch(() => undefined);
  // ssh2 never fails pending writes when the connection drops: fail the transfer ourselves, so
  // the upload ends (retryable) and its temporary file is removed over a fresh connection.
  const connection = sshConnection(session.client);
  const writable: Writable = remote;
  const onDrop = () => writable.destroy(Object.assign(new Error('SFTP connection closed during the transfer'), { code: 'ECONNRESET' }));
  connection.once('close', onDrop);
  try {
    await pipeline(source, digest, remote, signal ? { signal } : {});
    await closed;
  } finally {
    connection.removeListener('close', onDrop);
  }
}

/** Renames the whole temporary file to its final name, replacing an older file of that name. */
async function moveIntoPlace(session: SftpSession, from: string, to: string): Promise<void> {
  if (session.posixRename) {
    await session.client.posixRename(from, to);
    return;
  }
  // Plain SFTP rename refuses an existing target: remove the older file first.
  await session.client.delete(to, true);
  await session.client.rename(from, to);
}

/** The session's directory as `removeStaleParts` sees it (modification times as the server reports them). */
function partDirectory(session: SftpSession): PartDirectory {
  return {
    async list() {
      const entries = await session.client.list(session.directory);
      return entries.filter((entry) => entry.type === '-').map((entry) => ({ name: entry.name, modifiedAt: new Date(entry.modifyTime) }));
    },
    remove: async (name) => {
      await session.client.delete(posix.join(session.directory, name));
    },
  };
}

/**
 * Delivers exports over SFTP (ssh2-sftp-client): the server must present the pinned host key,
 * which is checked before any credential is sent; files go to a hidden temporary name and are
 * renamed (posix-rename when offered) when whole; a delivery then removes the stale temporary
 * files killed uploads left there.
 *
 * @example
 * const destination = createSftpDestination({ kind: 'sftp', host: 'sftp.partner.example', port: 22,
 *   username: 'parley', privateKey, hostKeySha256: 'SHA256:…', directory: '/incoming' });
 */
export function createSftpDestination(config: SftpConfig, options: SftpOptions = {}): Destination {
  validateOrThrow(validateConfig, config);

  return {
    upload(source, meta) {
      let session: SftpSession | undefined;
      let temporary: string | undefined;
      return guardedUpload(source, meta, {
        async transfer(input, digest) {
          session = await openSession(config, options, meta.signal);
          temporary = posix.join(session.directory, temporaryName(meta.fileName));
          await writeRemote(session, input, digest, temporary, meta.signal);
          await meta.beforeCommit?.();
          await moveIntoPlace(session, temporary, posix.join(session.directory, meta.fileName));
          temporary = undefined;
          await removeStaleParts(partDirectory(session));
          return remoteLocation('sftp', config.host, config.port, session.directory, meta.fileName);
        },
        discard: async () => {
          if (session && temporary) await removeQuietly(config, options, session, temporary);
        },
        close: async () => {
          if (session) await closeSession(session);
        },
        toDestinationError: sftpOperationFailure,
      });
    },

    test(signal) {
      let session: SftpSession | undefined;
      let probe: string | undefined;
      return guardedCheck(signal, {
        async probe() {
          session = await openSession(config, options, signal);
          probe = posix.join(session.directory, probeName());
          await writeRemote(session, Readable.from([]), new DigestStream(), probe, signal);
          await session.client.delete(probe);
          probe = undefined;
        },
        discard: async () => {
          if (session && probe) await removeQuietly(config, options, session, probe);
        },
        close: async () => {
          if (session) await closeSession(session);
        },
        toDestinationError: sftpOperationFailure,
      });
    },
  };
}
