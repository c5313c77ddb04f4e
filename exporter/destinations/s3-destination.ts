import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DestinationError } from '../../core/errors.js';
import { compileSchema, validateOrThrow } from '../../core/schema-validator.js';
import { untilAborted } from './abort-race.js';
import type { Destination } from './destination.js';
import { guardedUpload } from './guarded-upload.js';
import { errorCode, isTransientNetworkError } from './network-failure.js';
import { s3ConfigSchema, type S3Config } from './s3-config.js';
import { probeName } from './temporary-name.js';

const validateConfig = compileSchema<S3Config>(s3ConfigSchema);

/** Parts of a multipart upload; at most `QUEUE_SIZE` of them are held in memory at once. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

/** What the AWS SDK puts on the errors it throws (service errors and network errors alike). */
interface AwsErrorShape {
  readonly name?: string;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Maps an AWS SDK failure to a DestinationError; the message names the error, never a credential. */
function toS3Error(action: string, error: unknown): DestinationError {
  if (error instanceof DestinationError) return error;
  const shape = (error ?? {}) as AwsErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const code = errorCode(error);
  if (status === undefined && (isTransientNetworkError(error) || code !== undefined)) {
    return new DestinationError(`${action} failed: the S3 endpoint could not be reached (${code})`, {
      retryable: isTransientNetworkError(error),
      cause: error,
    });
  }
  const retryable =
    shape.$retryable !== undefined || status === undefined || status === 408 || status === 429 || status >= 500;
  const name = shape.name && /^[A-Za-z]+$/.test(shape.name) ? shape.name : 'Error';
  const detail = status === undefined ? name : `${name}, HTTP ${status}`;
  return new DestinationError(`${action} failed (${detail})`, { retryable, cause: error });
}

/**
 * Delivers exports to an S3 bucket with a streamed multipart upload straight to the final key:
 * S3 shows an object only once the upload completes, and a failed or aborted upload is aborted
 * (its parts discarded), so nothing partial ever appears under the key.
 *
 * @example
 * const destination = createS3Destination({ kind: 's3', bucket: 'partner-drop', prefix: 'leads/',
 *   region: 'eu-west-3', accessKeyId, secretAccessKey });
 * const receipt = await destination.upload(stream, { fileName: 'leads.csv', contentType: 'text/csv' });
 */
export function createS3Destination(config: S3Config): Destination {
  validateOrThrow(validateConfig, config);
  const prefix = config.prefix ?? '';
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    forcePathStyle: config.forcePathStyle ?? false,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    maxAttempts: 3,
  });
  const location = (key: string): string => `s3://${config.bucket}/${key}`;

  return {
    upload(source, meta) {
      const key = `${prefix}${meta.fileName}`;
      return guardedUpload(source, meta, {
        async transfer(input, digest) {
          const feeding = pipeline(input, digest, meta.signal ? { signal: meta.signal } : {});
          // An abort destroys the body stream: the Upload then fails and aborts the multipart upload itself.
          feeding.catch(() => undefined);
          const upload = new Upload({
            client,
            params: { Bucket: config.bucket, Key: key, Body: digest, ContentType: meta.contentType },
            partSize: PART_SIZE,
            queueSize: QUEUE_SIZE,
            leavePartsOnError: false,
          });
          await upload.done();
          await feeding;
          return location(key);
        },
        toDestinationError: (cause) => toS3Error(`S3 upload to ${location(key)}`, cause),
      });
    },

    async test(signal?: AbortSignal): Promise<void> {
      const key = `${prefix}${probeName()}`;
      const options = signal ? { abortSignal: signal } : {};
      const probe = (async () => {
        try {
          await client.send(
            new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: 'parley destination test\n', ContentType: 'text/plain' }),
            options,
          );
        } catch (error) {
          throw toS3Error(`Writing a test object to ${location(key)}`, error);
        }
        try {
          await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }), options);
        } catch (error) {
          throw toS3Error(`Deleting the test object ${location(key)}`, error);
        }
      })();
      await untilAborted(probe, signal);
    },
  };
}
