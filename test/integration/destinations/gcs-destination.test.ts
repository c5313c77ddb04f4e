import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DestinationError, ParleyError, ValidationError } from '../../../core/errors.js';
import type { GcsConfig } from '../../../exporter/destinations/gcs-config.js';
import { createGcsDestination } from '../../../exporter/destinations/gcs-destination.js';
import { crc32cBase64, makeServiceAccountJson, startGcsFake, type GcsFake } from '../../support/peers/gcs-fake.js';
import { freePort } from '../../support/peers/peer-process.js';
import { endlessAborting, sha256, streamOf } from './upload-sources.js';

/** Smallest chunk the client allows, so a few MB already take several chunked requests. */
const CHUNK = 256 * 1024;

let fake: GcsFake;

beforeAll(async () => {
  fake = await startGcsFake();
});

afterAll(async () => {
  await fake?.close();
});

function config(overrides: Partial<GcsConfig> = {}): GcsConfig {
  return {
    kind: 'gcs',
    bucket: fake.bucket,
    prefix: 'exports/daily/',
    serviceAccountJson: fake.serviceAccountJson,
    apiEndpoint: fake.apiEndpoint,
    ...overrides,
  };
}

describe('GCS fake', () => {
  it('computes CRC32C as GCS does (big-endian, base64)', () => {
    // The standard check value of CRC-32C for "123456789" is 0xE3069283.
    expect(crc32cBase64(Buffer.from('123456789'))).toBe(Buffer.from('e3069283', 'hex').toString('base64'));
  });
});

describe('GCS destination (JSON API fake)', () => {
  it('delivers a small file byte for byte under prefix + file name, with a right receipt', async () => {
    const data = Buffer.from('id,email\n1,a@example.org\n');
    const receipt = await createGcsDestination(config()).upload(streamOf(data), { fileName: 'leads.csv', contentType: 'text/csv' });
    expect(receipt).toEqual({ location: `gs://${fake.bucket}/exports/daily/leads.csv`, bytes: data.length, sha256: sha256(data) });
    expect(await fake.readObject('exports/daily/leads.csv')).toEqual(data);
  });

  it('delivers a 3 MB file in chunked resumable requests, byte for byte', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 12345);
    const receipt = await createGcsDestination(config({ prefix: undefined }), { chunkSize: CHUNK }).upload(streamOf(data), {
      fileName: 'big.bin',
      contentType: 'application/octet-stream',
    });
    expect(receipt).toEqual({ location: `gs://${fake.bucket}/big.bin`, bytes: data.length, sha256: sha256(data) });
    expect((await fake.readObject('big.bin'))?.equals(data)).toBe(true);
  });

  it('leaves no object under the name when the source fails halfway through a chunked upload', async () => {
    const failure = new ParleyError('export_failed', 'serializer broke');
    const sessionsBefore = fake.openSessions();
    const upload = createGcsDestination(config(), { chunkSize: CHUNK }).upload(streamOf(randomBytes(2 * 1024 * 1024), failure), {
      fileName: 'half.bin',
      contentType: 'application/octet-stream',
    });
    await expect(upload).rejects.toBe(failure);
    expect(await fake.readObject('exports/daily/half.bin')).toBeUndefined();
    expect(fake.objectNames()).not.toContain('exports/daily/half.bin');
    // The session got chunks, was never finalized, and was cancelled.
    expect(fake.openSessions()).toBe(sessionsBefore);
  });

  it('leaves no object when a small source fails, and reports a plain upstream error as a DestinationError', async () => {
    const upload = createGcsDestination(config()).upload(streamOf(randomBytes(1000), new Error('cursor closed')), {
      fileName: 'small-fail.csv',
      contentType: 'text/csv',
    });
    await expect(upload).rejects.toBeInstanceOf(DestinationError);
    expect(await fake.readObject('exports/daily/small-fail.csv')).toBeUndefined();
  });

  it('stops and leaves nothing when the caller aborts mid-upload', async () => {
    const controller = new AbortController();
    const source = endlessAborting(controller, 40);
    const sessionsBefore = fake.openSessions();
    const upload = createGcsDestination(config(), { chunkSize: CHUNK }).upload(source, {
      fileName: 'aborted.bin',
      contentType: 'application/octet-stream',
      signal: controller.signal,
    });
    await expect(upload).rejects.toMatchObject({ code: 'destination_failed', message: expect.stringMatching(/aborted/) });
    expect(await fake.readObject('exports/daily/aborted.bin')).toBeUndefined();
    expect(fake.openSessions()).toBe(sessionsBefore);
  });

  it('retries a chunk the server failed once (HTTP 503) and still delivers the file whole', async () => {
    fake.failNextChunks(503, 1);
    const data = randomBytes(1024 * 1024);
    const receipt = await createGcsDestination(config(), { chunkSize: CHUNK }).upload(streamOf(data), {
      fileName: 'retried.bin',
      contentType: 'application/octet-stream',
    });
    expect(receipt.sha256).toBe(sha256(data));
    expect((await fake.readObject('exports/daily/retried.bin'))?.equals(data)).toBe(true);
  });

  it('reports a server that keeps failing mid-upload as retryable, not as a source failure, and leaves no object', async () => {
    fake.failNextChunks(503, 3);
    const upload = createGcsDestination(config(), { chunkSize: CHUNK }).upload(streamOf(randomBytes(1024 * 1024)), {
      fileName: 'server-fail.bin',
      contentType: 'application/octet-stream',
    });
    await expect(upload).rejects.toMatchObject({
      code: 'destination_failed',
      retryable: true,
      message: `GCS upload to gs://${fake.bucket}/exports/daily/server-fail.bin failed (HTTP 503)`,
    });
    expect(await fake.readObject('exports/daily/server-fail.bin')).toBeUndefined();
  });

  it('reports a refused chunk (HTTP 403) as not retryable, and leaves no object', async () => {
    fake.failNextChunks(403, 1);
    const upload = createGcsDestination(config(), { chunkSize: CHUNK }).upload(streamOf(randomBytes(1024 * 1024)), {
      fileName: 'refused.bin',
      contentType: 'application/octet-stream',
    });
    await expect(upload).rejects.toMatchObject({
      retryable: false,
      message: `GCS upload to gs://${fake.bucket}/exports/daily/refused.bin failed (HTTP 403)`,
    });
    expect(await fake.readObject('exports/daily/refused.bin')).toBeUndefined();
    fake.failNextChunks(403, 0);
  });

  it('fails an upload with a key the server does not know: not retryable, no credentials in the error', async () => {
    const serviceAccountJson = makeServiceAccountJson(fake.apiEndpoint);
    const upload = createGcsDestination(config({ serviceAccountJson })).upload(streamOf(Buffer.from('a,b\n')), {
      fileName: 'denied.csv',
      contentType: 'text/csv',
    });
    const error = await upload.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DestinationError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringMatching(/HTTP 401/) });
    const key = (JSON.parse(serviceAccountJson) as { private_key: string }).private_key;
    expect(JSON.stringify((error as ParleyError).toBody())).not.toContain(key.split('\n')[1]);
    expect(fake.objectNames()).not.toContain('exports/daily/denied.csv');
  });

  it('test() writes and deletes a probe object, leaving the bucket as it was', async () => {
    const before = fake.objectNames();
    await createGcsDestination(config()).test();
    expect(fake.objectNames()).toEqual(before);
  });

  it('test() fails clearly and not retryable with a key the server does not know', async () => {
    const serviceAccountJson = makeServiceAccountJson(fake.apiEndpoint, 'someone-else@parley-test.iam.gserviceaccount.com');
    await expect(createGcsDestination(config({ serviceAccountJson })).test()).rejects.toMatchObject({
      code: 'destination_failed',
      retryable: false,
      message: expect.stringMatching(/^Writing a test object to gs:\/\/.+ failed \(HTTP 401\)$/),
    });
  });

  it('test() fails clearly on a bucket that does not exist', async () => {
    await expect(createGcsDestination(config({ bucket: 'no-such-bucket' })).test()).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/HTTP 404/),
    });
  });

  it('test() fails as retryable when the endpoint is unreachable', async () => {
    const apiEndpoint = `http://127.0.0.1:${await freePort()}`;
    await expect(createGcsDestination(config({ apiEndpoint })).test()).rejects.toMatchObject({
      code: 'destination_failed',
      retryable: true,
      message: expect.stringMatching(/could not be reached \(ECONNREFUSED\)/),
    });
  });

  it('refuses a config that breaks its schema, or a key file that is not a service-account key', () => {
    expect(() => createGcsDestination(config({ prefix: 'no-trailing-slash' }))).toThrow(ValidationError);
    expect(() => createGcsDestination({ ...config(), region: 'x' } as GcsConfig)).toThrow(ValidationError);
    const notJson = 'private_key=-----BEGIN PRIVATE KEY-----abc';
    const error = (() => {
      try {
        createGcsDestination(config({ serviceAccountJson: notJson }));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ path: '/destination/serviceAccountJson' });
    expect((error as Error).message).not.toContain('abc');
    expect(() => createGcsDestination(config({ serviceAccountJson: '{"type":"authorized_user"}' }))).toThrow(ConfigError);
  });
});
