import { createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DestinationError } from '../../core/errors.js';
import { compileSchema, validateOrThrow } from '../../core/schema-validator.js';
import type { Destination } from './destination.js';
import type { DigestStream } from './digest-stream.js';
import { guardedCheck, guardedUpload } from './guarded-upload.js';
import { localConfigSchema, type LocalConfig } from './local-config.js';
import { errorCode } from './network-failure.js';
import { removeStaleParts, type PartDirectory } from './stale-parts.js';
import { probeName, temporaryName } from './temporary-name.js';

const validateConfig = compileSchema<LocalConfig>(localConfigSchema);

/** Files are readable by the owner and its group only: exports hold personal data. */
const FILE_MODE = 0o640;
const DIRECTORY_MODE = 0o750;

function outsideRoot(): DestinationError {
  return new DestinationError('The export directory is outside the allowed root', { retryable: false });
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Resolves `directory` under `root` one segment at a time, creating what is missing, and
 * refuses any step (a symlink included) that resolves outside the root.
 */
async function resolveDirectory(root: string, directory: string): Promise<string> {
  await mkdir(root, { recursive: true, mode: DIRECTORY_MODE });
  const realRoot = await realpath(root);
  let current = realRoot;
  for (const segment of directory.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') throw outsideRoot();
    const next = path.join(current, segment);
    const existing = await lstat(next).catch((error: unknown) => {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw error;
    });
    if (!existing) await mkdir(next, { mode: DIRECTORY_MODE }).catch((error: unknown) => {
      if (errorCode(error) !== 'EEXIST') throw error;
    });
    current = await realpath(next);
    if (!isInside(realRoot, current)) throw outsideRoot();
  }
  return current;
}

const RETRYABLE_FS_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN', 'EIO']);

function toLocalError(error: unknown): DestinationError {
  if (error instanceof DestinationError) return error;
  const code = errorCode(error);
  const retryable = code !== undefined && RETRYABLE_FS_CODES.has(code);
  const reason = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission denied' : (code ?? 'unknown error');
  return new DestinationError(`Writing the export file failed (${reason})`, { retryable, cause: error });
}

/** Streams `source` through `digest` into a new file at `target` (exclusive create), flushed to disk before close. */
async function writeFileFrom(source: Readable, digest: DigestStream, target: string, signal?: AbortSignal): Promise<void> {
  const file = createWriteStream(target, { flags: 'wx', mode: FILE_MODE, flush: true });
  await pipeline(source, digest, file, signal ? { signal } : {});
}

/** A local directory as `removeStaleParts` sees it. */
function partDirectory(directory: string): PartDirectory {
  return {
    async list() {
      const entries = await readdir(directory, { withFileTypes: true });
      const files = entries.filter((entry) => entry.isFile());
      return Promise.all(files.map(async (entry) => ({ name: entry.name, modifiedAt: (await lstat(path.join(directory, entry.name))).mtime })));
    },
    remove: (name) => rm(path.join(directory, name)),
  };
}

/**
 * Delivers exports into a directory under `root` on this machine: each file is written to a
 * hidden temporary name in the target directory and renamed when whole; a delivery then removes
 * the stale temporary files killed uploads left there.
 *
 * @example
 * const destination = createLocalDestination({ kind: 'local', directory: 'partner-a/daily' }, { root: '/srv/exports' });
 * const receipt = await destination.upload(stream, { fileName: 'leads.csv', contentType: 'text/csv' });
 */
export function createLocalDestination(config: LocalConfig, options: { readonly root: string }): Destination {
  validateOrThrow(validateConfig, config);
  const root = path.resolve(options.root);
  const directory = config.directory;

  return {
    upload(source, meta) {
      let temporary: string | undefined;
      return guardedUpload(source, meta, {
        async transfer(input, digest) {
          const target = await resolveDirectory(root, directory);
          temporary = path.join(target, temporaryName(meta.fileName));
          await writeFileFrom(input, digest, temporary, meta.signal);
          const finalPath = path.join(target, meta.fileName);
          await meta.beforeCommit?.();
          await rename(temporary, finalPath);
          temporary = undefined;
          await removeStaleParts(partDirectory(target));
          return finalPath;
        },
        discard: async () => {
          if (temporary) await rm(temporary, { force: true }).catch(() => undefined);
        },
        toDestinationError: toLocalError,
      });
    },

    test(signal) {
      let probe: string | undefined;
      return guardedCheck(signal, {
        async probe() {
          const target = await resolveDirectory(root, directory);
          probe = path.join(target, probeName());
          const handle = await open(probe, 'wx', FILE_MODE);
          await handle.close();
          await rm(probe);
          probe = undefined;
        },
        discard: async () => {
          if (probe) await rm(probe, { force: true }).catch(() => undefined);
        },
        toDestinationError: toLocalError,
      });
    },
  };
}
