import { PassThrough, type Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../core/errors.js';
import type { Destination } from '../../../../exporter/destinations/destination.js';
import { lazyDestination } from '../../../../exporter/destinations/lazy-destination.js';

/** A destination that records what it was asked to do. */
function recordingDestination() {
  const calls: string[] = [];
  const destination: Destination = {
    async upload(source: Readable, meta) {
      calls.push(`upload ${meta.fileName}`);
      source.resume();
      return { location: `/out/${meta.fileName}`, bytes: 0, sha256: '' };
    },
    async test() {
      calls.push('test');
    },
  };
  return { destination, calls };
}

/** A promise with its resolve function, to decide when a load completes. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const meta = { fileName: 'leads.csv', contentType: 'text/csv' };

describe('lazyDestination', () => {
  it('loads the implementation on first use, once, and hands every call to it', async () => {
    const { destination, calls } = recordingDestination();
    let loads = 0;
    const lazy = lazyDestination(async () => {
      loads += 1;
      return destination;
    });
    expect(loads).toBe(0);

    await lazy.test();
    const source = new PassThrough();
    source.end('a,b\n');
    const receipt = await lazy.upload(source, meta);
    await lazy.test();

    expect(loads).toBe(1);
    expect(calls).toEqual(['test', 'upload leads.csv', 'test']);
    expect(receipt.location).toBe('/out/leads.csv');
  });

  it('reports a source that fails while the implementation loads as the source failure, without an unhandled error event', async () => {
    const { destination, calls } = recordingDestination();
    const loaded = deferred<Destination>();
    const source = new PassThrough();

    const upload = lazyDestination(() => loaded.promise).upload(source, meta);
    source.destroy(new Error('cursor closed'));
    // Not events.once, which would listen for 'error' itself.
    await new Promise((closed) => source.once('close', closed));
    loaded.resolve(destination);

    await expect(upload).rejects.toMatchObject({ code: 'destination_failed', retryable: true, message: 'The data to upload failed before it was complete' });
    expect(calls).toEqual([]);
  });

  it('fails the call when the implementation cannot be built, and destroys the source', async () => {
    const invalid = new ConfigError('The service account key is not valid JSON', '/destination/serviceAccountJson');
    const lazy = lazyDestination(() => Promise.reject(invalid));
    const source = new PassThrough();

    await expect(lazy.upload(source, meta)).rejects.toBe(invalid);
    expect(source.destroyed).toBe(true);
    await expect(lazy.test()).rejects.toBe(invalid);
  });
});
