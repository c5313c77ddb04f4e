import { Readable } from 'node:stream';
import { Client, FTPError } from 'basic-ftp';
import { DestinationError } from '../../core/errors.js';
import { compileSchema, validateOrThrow } from '../../core/schema-validator.js';
import { untilAborted } from './abort-race.js';
import type { Destination } from './destination.js';
import { ftpConfigSchema, type FtpConfig } from './ftp-config.js';
import { ftpFailure, type FtpStage } from './ftp-failure.js';
import { guardedCheck, guardedUpload } from './guarded-upload.js';
import { remoteLocation } from './remote-location.js';
import { removeStaleParts, type PartDirectory } from './stale-parts.js';
import { isTemporaryName, probeName, temporaryName } from './temporary-name.js';

const validateConfig = compileSchema<FtpConfig>(ftpConfigSchema);

/** Connection settings an operator (or a test) may tune; not part of a workspace's config. */
export interface FtpOptions {
  /** How long the server may stay silent, in ms (default 30 s). */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const PROBE_CONTENT = Buffer.from('parley write test\n');

/** A logged-in FTP connection whose working directory is the configured one. */
interface FtpSession {
  readonly client: Client;
  /** Absolute path of the configured directory, as the server reports it. */
  readonly directory: string;
}

/** Where a session is, so a failure can be explained by the step it happened at. */
interface Progress {
  stage: FtpStage;
}

/** Connects (passive mode, binary), upgrades to TLS for FTPS, logs in and enters the directory. */
async function openSession(
  config: FtpConfig,
  options: FtpOptions,
  signal: AbortSignal | undefined,
  progress: Progress,
): Promise<FtpSession> {
  const client = new Client(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const step = <T>(stage: FtpStage, run: () => Promise<T>): Promise<T> => {
    progress.stage = stage;
    return untilAborted(run(), signal, () => client.close());
  };
  try {
    await step('connect', () => client.connect(config.host, config.port));
    if (config.kind === 'ftps') {
      // Verification stays on: `ca` only replaces which CA is trusted; `host` is checked against the certificate.
      await step('tls', () => client.useTLS({ host: config.host, ...(config.caCert ? { ca: config.caCert } : {}) }));
    }
    await step('login', () => client.login(config.user, config.password));
    await step('login', () => client.useDefaultSettings());
    await step('directory', () => client.cd(config.directory));
    const directory = await step('directory', () => client.pwd());
    return { client, directory };
  } catch (error) {
    client.close();
    throw error;
  }
}

/** Removes `name` from the directory, over `session` while it is open, else over a fresh one; never throws. */
async function removeQuietly(config: FtpConfig, options: FtpOptions, session: FtpSession, name: string): Promise<void> {
  let fresh: FtpSession | undefined;
  try {
    if (session.client.closed) fresh = await openSession(config, options, undefined, { stage: 'connect' });
    await (fresh ?? session).client.remove(name, true);
  } catch {
    // Best effort: the temporary name is hidden and unique, so a leftover never passes for an export.
  } finally {
    fresh?.client.close();
  }
}

/** Fails when the server reports a size other than the bytes sent (skipped when it does not support SIZE). */
async function checkStoredSize(client: Client, name: string, expected: number): Promise<void> {
  const stored = await client.size(name).catch(() => undefined);
  if (stored !== undefined && stored !== expected) {
    throw new DestinationError('The FTP server stored an incomplete file', { retryable: true });
  }
}

/** Renames the whole temporary file to its final name, replacing an older file of that name. */
async function moveIntoPlace(client: Client, from: string, to: string): Promise<void> {
  try {
    await client.rename(from, to);
  } catch (error) {
    if (!(error instanceof FTPError) || error.code < 500) throw error;
    // Some servers refuse to rename onto an existing file: remove the older one and try once more.
    await client.remove(to, true);
    await client.rename(from, to);
  }
}

/** The session's (working) directory as `removeStaleParts` sees it; times come from MLSD, else MDTM. */
function partDirectory(client: Client): PartDirectory {
  return {
    async list() {
      const files = (await client.list()).filter((entry) => entry.isFile && isTemporaryName(entry.name));
      const entries = [];
      for (const entry of files) entries.push({ name: entry.name, modifiedAt: entry.modifiedAt ?? (await client.lastMod(entry.name).catch(() => undefined)) });
      return entries;
    },
    remove: async (name) => {
      await client.remove(name);
    },
  };
}

/**
 * Delivers exports over FTP or explicit FTPS (basic-ftp, passive mode): each file is stored under
 * a hidden temporary name, its size checked, then renamed to its final name; a delivery then
 * removes the stale temporary files killed uploads left there.
 *
 * @example
 * const destination = createFtpDestination({ kind: 'ftps', host: 'ftp.partner.example', port: 21,
 *   user: 'parley', password, directory: '/incoming' });
 */
export function createFtpDestination(config: FtpConfig, options: FtpOptions = {}): Destination {
  validateOrThrow(validateConfig, config);

  return {
    upload(source, meta) {
      const progress: Progress = { stage: 'connect' };
      let session: FtpSession | undefined;
      let temporary: string | undefined;
      return guardedUpload(source, meta, {
        async transfer(input, digest) {
          session = await openSession(config, options, meta.signal, progress);
          const { client } = session;
          temporary = temporaryName(meta.fileName);
          input.once('error', (error: Error) => digest.destroy(error));
          input.pipe(digest);
          progress.stage = 'transfer';
          await untilAborted(client.uploadFrom(digest, temporary), meta.signal, () => client.close());
          await checkStoredSize(client, temporary, digest.bytes);
          progress.stage = 'rename';
          await meta.beforeCommit?.();
          await moveIntoPlace(client, temporary, meta.fileName);
          temporary = undefined;
          await removeStaleParts(partDirectory(client));
          return remoteLocation(config.kind, config.host, config.port, session.directory, meta.fileName);
        },
        discard: async () => {
          if (session && temporary) await removeQuietly(config, options, session, temporary);
        },
        close: () => session?.client.close(),
        toDestinationError: (cause) => ftpFailure(cause, progress.stage),
      });
    },

    test(signal) {
      const progress: Progress = { stage: 'connect' };
      let session: FtpSession | undefined;
      let probe: string | undefined;
      return guardedCheck(signal, {
        async probe() {
          session = await openSession(config, options, signal, progress);
          const { client } = session;
          probe = probeName();
          progress.stage = 'transfer';
          await untilAborted(client.uploadFrom(Readable.from([PROBE_CONTENT]), probe), signal, () => client.close());
          await client.remove(probe);
          probe = undefined;
        },
        discard: async () => {
          if (session && probe) await removeQuietly(config, options, session, probe);
        },
        close: () => session?.client.close(),
        toDestinationError: (cause) => ftpFailure(cause, progress.stage),
      });
    },
  };
}
