import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { DestinationError } from '../../../core/errors.js';
import { guardedUpload } from '../../../exporter/destinations/guarded-upload.js';

/** A destination whose connection drops at its first write, the way a partner server that goes away would. */
const droppingSink = () =>
  new Writable({
    write(_chunk, _encoding, callback) {
      callback(Object.assign(new Error('connection closed during the transfer'), { code: 'ECONNRESET' }));
    },
  });

const upload = (source: PassThrough) =>
  guardedUpload(source, { fileName: 'leads.csv', contentType: 'text/csv' }, {
    transfer: async (input, digest) => {
      await pipeline(input, digest, droppingSink());
      return 'somewhere';
    },
    toDestinationError: () => new DestinationError('The partner connection dropped', { retryable: true }),
  });

describe('guardedUpload', () => {
  // Bug: stream.pipeline destroys what the destination reads with the destination's own error, so a
  // destination failing while the export was still streaming (a big export, a loaded machine) was
  // reported as "The data to upload failed before it was complete".
  it('reports a destination that fails mid-stream as the destination, not as the data', async () => {
    const source = new PassThrough();
    source.write(Buffer.from('email\na@example.org\n'));
    await expect(upload(source)).rejects.toMatchObject({ message: 'The partner connection dropped', retryable: true });
    expect(source.destroyed).toBe(true);
  });

  it('still reports a source that fails upstream as the data', async () => {
    const source = new PassThrough();
    source.write(Buffer.from('email\n'));
    setImmediate(() => source.destroy(new Error('render stage died')));
    const never = guardedUpload(source, { fileName: 'leads.csv', contentType: 'text/csv' }, {
      transfer: async (input, digest) => {
        await pipeline(input, digest, new Writable({ write: (_chunk, _encoding, callback) => callback() }));
        return 'somewhere';
      },
      toDestinationError: () => new DestinationError('The partner connection dropped', { retryable: true }),
    });
    await expect(never).rejects.toMatchObject({ message: 'The data to upload failed before it was complete', retryable: true });
  });
});
