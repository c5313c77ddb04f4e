import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationError, ValidationError } from '../../../core/errors.js';
import { compileSchema } from '../../../core/schema-validator.js';
import { localConfigSchema, type LocalConfig } from '../../../exporter/destinations/local-config.js';
import { createLocalDestination } from '../../../exporter/destinations/local-destination.js';
import { abortingHalfway, failingHalfway, randomFile, sha256, streamOf } from './upload-sources.js';

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'parley-local-dest-'));
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const meta = (fileName: string) => ({ fileName, contentType: 'text/csv' });

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error,
  );
}

describe('local destination', () => {
  it('delivers the file byte for byte under its final name, creating directories, with a right receipt', async () => {
    const data = randomFile();
    const destination = createLocalDestination({ kind: 'local', directory: 'partner/daily' }, { root });
    const receipt = await destination.upload(streamOf(data), meta('leads.csv'));
    const delivered = path.join(root, 'partner', 'daily', 'leads.csv');
    expect(receipt).toEqual({ location: delivered, bytes: data.length, sha256: sha256(data) });
    expect((await readFile(delivered)).equals(data)).toBe(true);
    expect(await readdir(path.dirname(delivered))).toEqual(['leads.csv']);
  });

  it('replaces an older file of the same name only once the new one is whole', async () => {
    const destination = createLocalDestination({ kind: 'local', directory: 'replace' }, { root });
    await destination.upload(streamOf(Buffer.from('old')), meta('same.csv'));
    const data = randomFile(1024 * 1024);
    await destination.upload(streamOf(data), meta('same.csv'));
    expect((await readFile(path.join(root, 'replace', 'same.csv'))).equals(data)).toBe(true);
  });

  it('leaves neither the final file nor a temporary file when the source fails halfway, and a retry delivers', async () => {
    const data = randomFile();
    const destination = createLocalDestination({ kind: 'local', directory: 'failing' }, { root });
    const error = await caught(destination.upload(failingHalfway(data), meta('broken.csv')));
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as DestinationError).retryable).toBe(true);
    expect(await readdir(path.join(root, 'failing'))).toEqual([]);

    const receipt = await destination.upload(streamOf(data), meta('broken.csv'));
    expect(receipt.sha256).toBe(sha256(data));
    expect((await readFile(path.join(root, 'failing', 'broken.csv'))).equals(data)).toBe(true);
    expect(await readdir(path.join(root, 'failing'))).toEqual(['broken.csv']);
  });

  it('leaves nothing behind when the upload is aborted halfway', async () => {
    const data = randomFile();
    const controller = new AbortController();
    const destination = createLocalDestination({ kind: 'local', directory: 'aborted' }, { root });
    const error = await caught(
      destination.upload(abortingHalfway(data, controller), { ...meta('a.csv'), signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as DestinationError).message).toBe('The transfer was aborted');
    expect(await readdir(path.join(root, 'aborted'))).toEqual([]);
  });

  it.each(['/etc', '../outside', 'a/../../outside', '..', 'a\\..\\..\\x'])('refuses the directory %j', (directory) => {
    expect(() => createLocalDestination({ kind: 'local', directory }, { root })).toThrow(ValidationError);
  });

  it('refuses a directory that reaches outside the root through a symlink, and writes nothing there', async () => {
    await symlink(outside, path.join(root, 'escape'));
    const destination = createLocalDestination({ kind: 'local', directory: 'escape/deeper' }, { root });
    const error = await caught(destination.upload(streamOf(Buffer.from('secret')), meta('x.csv')));
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as DestinationError).retryable).toBe(false);
    await expect(destination.test()).rejects.toThrow('The export directory is outside the allowed root');
    expect(await readdir(outside)).toEqual([]);
  });

  it.each(['../x.csv', 'a/b.csv', '', '..', 'bad\r\nname.csv'])('refuses the file name %j', async (fileName) => {
    const destination = createLocalDestination({ kind: 'local', directory: 'names' }, { root });
    const error = await caught(destination.upload(streamOf(Buffer.from('x')), meta(fileName)));
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as DestinationError).retryable).toBe(false);
  });

  it('test() writes and removes a probe in a writable directory', async () => {
    const destination = createLocalDestination({ kind: 'local', directory: 'probe' }, { root });
    await destination.test();
    expect(await readdir(path.join(root, 'probe'))).toEqual([]);
  });

  it('test() fails with a DestinationError that is not retryable when the directory is a file', async () => {
    await writeFile(path.join(root, 'a-file'), 'x');
    const destination = createLocalDestination({ kind: 'local', directory: 'a-file' }, { root });
    const error = await caught(destination.test());
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as DestinationError).retryable).toBe(false);
  });

  it('has a strict schema that accepts a relative directory and refuses unknown fields', () => {
    const validate = compileSchema<LocalConfig>(localConfigSchema);
    expect(validate({ kind: 'local', directory: 'a/b' })).toBe(true);
    expect(validate({ kind: 'local', directory: 'a/b', extra: 1 })).toBe(false);
    expect(validate({ kind: 'local', directory: 'a/..b' })).toBe(true);
  });
});
