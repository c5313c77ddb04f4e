import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { DestinationError } from '../../../core/errors.js';
import type { Destination } from '../../../exporter/destinations/destination.js';
import { freePort, startSilentServer } from '../../support/peers/peer-process.js';
import { abortingHalfway, failingHalfway, randomFile, sha256, streamOf } from './upload-sources.js';

/** Upload metadata of a CSV file named `fileName`. */
export const meta = (fileName: string) => ({ fileName, contentType: 'text/csv' });

/** The DestinationError `promise` rejects with (the test fails if it resolves or rejects with anything else). */
export async function failure(promise: Promise<unknown>): Promise<DestinationError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DestinationError);
  return error as DestinationError;
}

/** Every name in an upload directory, hidden temporary files included. */
export const listing = (dir: string): Promise<string[]> => readdir(dir);

export async function clearUploads(dir: string): Promise<void> {
  for (const name of await listing(dir)) await rm(path.join(dir, name));
}

/** A file server destination (FTP, SFTP) against its real peer, as the shared cases need it. */
export interface FileServer {
  /** A destination with a working configuration; `change` alters it (another port, directory or password). */
  destination(change?: { port?: number; directory?: string; password?: string }, options?: { timeoutMs?: number }): Destination;
  /** The peer's upload directory on disk. */
  dir(): string;
  /** The errors this protocol reports, word for word. */
  readonly messages: { readonly badPassword: string; readonly unreachable: string; readonly silent: string; readonly missingDirectory: string };
}

/**
 * The cases every file server destination passes: a failed or aborted upload leaves no final
 * nor temporary file, `test()` leaves no probe behind, and each failure of the connection is
 * reported clearly, final or retryable as it should be, never echoing a password.
 */
export function fileServerCases(server: FileServer): void {
  it('leaves no final and no temporary file when the source fails halfway, and a retry delivers', async () => {
    await clearUploads(server.dir());
    const data = randomFile();
    const destination = server.destination();
    const error = await failure(destination.upload(failingHalfway(data), meta('broken.csv')));
    expect(error.retryable).toBe(true);
    expect(await listing(server.dir())).toEqual([]);

    const receipt = await destination.upload(streamOf(data), meta('broken.csv'));
    expect(receipt).toMatchObject({ bytes: data.length, sha256: sha256(data) });
    expect((await readFile(path.join(server.dir(), 'broken.csv'))).equals(data)).toBe(true);
    expect(await listing(server.dir())).toEqual(['broken.csv']);
  });

  it('leaves nothing behind when the upload is aborted halfway', async () => {
    await clearUploads(server.dir());
    const controller = new AbortController();
    const source = abortingHalfway(randomFile(), controller);
    const error = await failure(server.destination().upload(source, { ...meta('aborted.csv'), signal: controller.signal }));
    expect(error.message).toBe('The transfer was aborted');
    expect(await listing(server.dir())).toEqual([]);
  });

  it('test() passes on a good config and leaves no probe behind', async () => {
    await clearUploads(server.dir());
    await server.destination().test();
    expect(await listing(server.dir())).toEqual([]);
  });

  it('test() fails with a clear, final error on a bad password, without echoing it', async () => {
    const error = await failure(server.destination({ password: 'not-the-password' }).test());
    expect(error.message).toBe(server.messages.badPassword);
    expect(error.retryable).toBe(false);
    expect(JSON.stringify(error.toBody())).not.toContain('not-the-password');
  });

  it('test() fails with a retryable error when nothing listens on the port', async () => {
    const error = await failure(server.destination({ port: await freePort() }).test());
    expect(error.message).toBe(server.messages.unreachable);
    expect(error.retryable).toBe(true);
  });

  it('fails with a retryable error when the server never answers, and stops at once when aborted', async () => {
    const silent = await startSilentServer();
    try {
      const error = await failure(server.destination({ port: silent.port }, { timeoutMs: 300 }).test());
      expect(error).toMatchObject({ message: server.messages.silent, retryable: true });

      const controller = new AbortController();
      silent.onConnection(() => controller.abort());
      const patient = server.destination({ port: silent.port }, { timeoutMs: 600_000 });
      const aborted = await failure(patient.upload(streamOf(Buffer.from('x')), { ...meta('x.csv'), signal: controller.signal }));
      expect(aborted.message).toBe('The transfer was aborted');
    } finally {
      await silent.stop();
    }
  });

  it('test() fails with a final error when the directory does not exist', async () => {
    const error = await failure(server.destination({ directory: 'missing' }).test());
    expect(error.message).toBe(server.messages.missingDirectory);
    expect(error.retryable).toBe(false);
  });
}
