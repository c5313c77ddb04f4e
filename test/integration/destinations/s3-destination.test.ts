import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationError, ParleyError, ValidationError } from '../../../core/errors.js';
import type { S3Config } from '../../../exporter/destinations/s3-config.js';
import { createS3Destination } from '../../../exporter/destinations/s3-destination.js';
import { startS3rver, type S3rverPeer } from '../../support/peers/s3rver-peer.js';
import { freePort } from '../../support/peers/peer-process.js';
import { endlessAborting, sha256, streamOf } from './upload-sources.js';

let peer: S3rverPeer;

beforeAll(async () => {
  peer = await startS3rver();
});

afterAll(async () => {
  await peer?.stop();
});

function config(overrides: Partial<S3Config> = {}): S3Config {
  return {
    kind: 's3',
    bucket: peer.bucket,
    prefix: 'exports/daily/',
    region: peer.region,
    endpoint: peer.endpoint,
    forcePathStyle: true,
    accessKeyId: peer.accessKeyId,
    secretAccessKey: peer.secretAccessKey,
    ...overrides,
  };
}

describe('S3 destination (s3rver)', () => {
  it('delivers a small file byte for byte under prefix + file name, with a right receipt', async () => {
    const data = Buffer.from('id,email\n1,a@example.org\n');
    const receipt = await createS3Destination(config()).upload(streamOf(data), { fileName: 'leads.csv', contentType: 'text/csv' });
    expect(receipt).toEqual({ location: `s3://${peer.bucket}/exports/daily/leads.csv`, bytes: data.length, sha256: sha256(data) });
    expect(await peer.readObject('exports/daily/leads.csv')).toEqual(data);
  });

  it('delivers a 20 MB file as a multipart upload, byte for byte', async () => {
    const data = randomBytes(20 * 1024 * 1024);
    const receipt = await createS3Destination(config({ prefix: undefined })).upload(streamOf(data), {
      fileName: 'big.bin',
      contentType: 'application/octet-stream',
    });
    expect(receipt.bytes).toBe(data.length);
    expect(receipt.sha256).toBe(sha256(data));
    expect(receipt.location).toBe(`s3://${peer.bucket}/big.bin`);
    expect((await peer.readObject('big.bin'))?.equals(data)).toBe(true);
  });

  it('leaves no object under the key when the source fails halfway through a multipart upload', async () => {
    const failure = new ParleyError('export_failed', 'serializer broke');
    const upload = createS3Destination(config()).upload(streamOf(randomBytes(18 * 1024 * 1024), failure), {
      fileName: 'half.bin',
      contentType: 'application/octet-stream',
    });
    await expect(upload).rejects.toBe(failure);
    expect(await peer.readObject('exports/daily/half.bin')).toBeUndefined();
    expect(await peer.listKeys()).not.toContain('exports/daily/half.bin');
  });

  it('leaves no object when a small source fails, and reports a plain upstream error as a DestinationError', async () => {
    const upload = createS3Destination(config()).upload(streamOf(randomBytes(1000), new Error('cursor closed')), {
      fileName: 'small-fail.csv',
      contentType: 'text/csv',
    });
    await expect(upload).rejects.toBeInstanceOf(DestinationError);
    expect(await peer.readObject('exports/daily/small-fail.csv')).toBeUndefined();
  });

  it('stops and leaves nothing when the caller aborts mid-upload', async () => {
    const controller = new AbortController();
    const source = endlessAborting(controller, 100);
    const upload = createS3Destination(config()).upload(source, { fileName: 'aborted.bin', contentType: 'application/octet-stream', signal: controller.signal });
    const error = await upload.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DestinationError);
    expect((error as DestinationError).message).toMatch(/aborted/);
    expect(await peer.readObject('exports/daily/aborted.bin')).toBeUndefined();
  });

  it('reports an upload to a missing bucket as the S3 error (not retryable), not as a source failure', async () => {
    const upload = createS3Destination(config({ bucket: 'no-such-bucket' })).upload(streamOf(randomBytes(9 * 1024 * 1024)), {
      fileName: 'lost.bin',
      contentType: 'application/octet-stream',
    });
    await expect(upload).rejects.toMatchObject({
      retryable: false,
      message: 'S3 upload to s3://no-such-bucket/exports/daily/lost.bin failed (NoSuchBucket, HTTP 404)',
    });
  });

  it('refuses a file name with a slash without writing anything', async () => {
    const upload = createS3Destination(config()).upload(streamOf(Buffer.from('x')), { fileName: '../escape.csv', contentType: 'text/csv' });
    await expect(upload).rejects.toMatchObject({ code: 'destination_failed', retryable: false });
  });

  it('test() writes and deletes a probe object, leaving the bucket as it was', async () => {
    const before = await peer.listKeys();
    await createS3Destination(config()).test();
    expect(await peer.listKeys()).toEqual(before);
  });

  // s3rver checks the access key id but not v4 signatures, so a wrong key id stands for wrong credentials.
  it('test() fails clearly, not retryable and without credentials in the error, on a wrong access key', async () => {
    const accessKeyId = 'AKIAWRONGKEY0123';
    const secretAccessKey = 'not-the-secret-0123456789';
    const error = await createS3Destination(config({ accessKeyId, secretAccessKey }))
      .test()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DestinationError);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).toMatch(/InvalidAccessKeyId, HTTP 403/);
    const shown = JSON.stringify((error as ParleyError).toBody());
    expect(shown).not.toContain(accessKeyId);
    expect(shown).not.toContain(secretAccessKey);
  });

  it('test() fails clearly on a bucket that does not exist', async () => {
    await expect(createS3Destination(config({ bucket: 'no-such-bucket' })).test()).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/NoSuchBucket, HTTP 404/),
    });
  });

  it('test() fails as retryable when the endpoint is unreachable', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    await expect(createS3Destination(config({ endpoint })).test()).rejects.toMatchObject({
      code: 'destination_failed',
      retryable: true,
      message: expect.stringMatching(/could not be reached \(ECONNREFUSED\)/),
    });
  });

  it('refuses a config that breaks its schema, naming the field', () => {
    expect(() => createS3Destination(config({ prefix: 'no-trailing-slash' }))).toThrow(ValidationError);
    expect(() => createS3Destination({ ...config(), extra: true } as S3Config)).toThrow(ValidationError);
    expect(() => createS3Destination(config({ endpoint: 'http://user:pass@host' }))).toThrow(ValidationError);
    try {
      createS3Destination(config({ prefix: '/absolute/' }));
    } catch (error) {
      expect(error).toMatchObject({ path: '/prefix' });
    }
    expect.assertions(4);
  });
});
