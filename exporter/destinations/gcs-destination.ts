import { pipeline } from 'node:stream/promises';
import { IdempotencyStrategy, Storage } from '@google-cloud/storage';
import { ConfigError, DestinationError } from '../../core/errors.js';
import { compileSchema, validateOrThrow } from '../../core/schema-validator.js';
import { untilAborted } from './abort-race.js';
import type { Destination } from './destination.js';
import { gcsConfigSchema, type GcsConfig } from './gcs-config.js';
import { guardedUpload } from './guarded-upload.js';
import { errorCode, isTransientNetworkError } from './network-failure.js';
import { probeName } from './temporary-name.js';

const validateConfig = compileSchema<GcsConfig>(gcsConfigSchema);

/** Where the service-account JSON sits in an export definition, for error paths. */
const SERVICE_ACCOUNT_PATH = '/destination/serviceAccountJson';

/**
 * Resumable uploads go in chunks of this size (a multiple of 256 KiB), each buffered once. The
 * object is finalized only by the request that states the total size, which is sent only after
 * the source has ended, so a failing source can never finalize a truncated object.
 */
export const GCS_CHUNK_SIZE = 8 * 1024 * 1024;

interface ServiceAccount {
  readonly client_email: string;
  readonly private_key: string;
  readonly private_key_id?: string;
  readonly project_id?: string;
}

/** Reads the key file's fields the client needs; refuses anything else without echoing it. */
function parseServiceAccount(json: string): ServiceAccount {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ConfigError('The service account key is not valid JSON', SERVICE_ACCOUNT_PATH);
  }
  const fields = (parsed ?? {}) as Record<string, unknown>;
  if (fields.type !== 'service_account') {
    throw new ConfigError('The service account key must be a key file of type "service_account"', SERVICE_ACCOUNT_PATH);
  }
  if (typeof fields.client_email !== 'string' || typeof fields.private_key !== 'string' || !fields.private_key.includes('PRIVATE KEY')) {
    throw new ConfigError('The service account key must hold client_email and private_key', SERVICE_ACCOUNT_PATH);
  }
  return {
    client_email: fields.client_email,
    private_key: fields.private_key,
    ...(typeof fields.private_key_id === 'string' ? { private_key_id: fields.private_key_id } : {}),
    ...(typeof fields.project_id === 'string' ? { project_id: fields.project_id } : {}),
  };
}

/** The HTTP status behind a client failure: API errors carry it as `code`, request errors as `status`. */
function httpStatus(error: unknown): number | undefined {
  const shape = (error ?? {}) as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const value of [shape.code, shape.status, shape.response?.status]) if (typeof value === 'number') return value;
  return undefined;
}

/** Resumable uploads report exhausted retries as a plain Error: `Retry limit exceeded - status: 503 - …`. */
const RETRIES_EXHAUSTED = /^Retry (?:total time )?limit exceeded(?: - status: (\d{3}))?/;

/** Maps a client failure to a DestinationError; the message gives a status or code, never a credential. */
function toGcsError(action: string, error: unknown): DestinationError {
  if (error instanceof DestinationError) return error;
  const exhausted = error instanceof Error ? RETRIES_EXHAUSTED.exec(error.message) : null;
  const status = httpStatus(error) ?? (exhausted?.[1] === undefined ? undefined : Number(exhausted[1]));
  if (status !== undefined) {
    const retryable = exhausted !== null || status === 408 || status === 429 || status >= 500;
    return new DestinationError(`${action} failed (HTTP ${status})`, { retryable, cause: error });
  }
  const code = errorCode(error);
  if (code === 'FILE_NO_UPLOAD' || code === 'CONTENT_DOWNLOAD_MISMATCH') {
    return new DestinationError(`${action} failed: the stored object did not match the bytes sent`, { retryable: true, cause: error });
  }
  if (isTransientNetworkError(error)) {
    return new DestinationError(`${action} failed: the GCS endpoint could not be reached (${code})`, { retryable: true, cause: error });
  }
  return new DestinationError(`${action} failed`, { retryable: exhausted !== null, cause: error });
}

/** A client that authenticates every request with the key, without a token exchange. */
function storageClient(config: GcsConfig, account: ServiceAccount): Storage {
  const storage = new Storage({
    ...(account.project_id === undefined ? {} : { projectId: account.project_id }),
    credentials: account,
    ...(config.apiEndpoint === undefined ? {} : { apiEndpoint: config.apiEndpoint }),
    // Without this the client sends no credentials at all to a custom endpoint.
    useAuthWithCustomEndpoint: true,
    // Every call here may be repeated safely (a resumable session resumes at the offset the server
    // confirms), so retry transient failures always, but briefly: the export job retries a failed run.
    retryOptions: { autoRetry: true, maxRetries: 2, maxRetryDelay: 4, totalTimeout: 60, idempotencyStrategy: IdempotencyStrategy.RetryAlways },
  });
  // Sign each request with the key (a self-signed JWT, accepted by the JSON API) instead of
  // exchanging it for a token at www.googleapis.com: every call then goes to the configured endpoint.
  storage.authClient.useJWTAccessWithScope = true;
  return storage;
}

/**
 * Cancels a resumable session (DELETE on its URI; GCS answers 499), best effort: the client
 * keeps sending a chunk that was in flight when the stream was destroyed, and would resume it.
 */
async function cancelSession(storage: Storage, uri: string): Promise<void> {
  await storage.authClient.request({ url: uri, method: 'DELETE', timeout: 10_000, validateStatus: () => true }).catch(() => undefined);
}

/**
 * Delivers exports to a GCS bucket with a chunked resumable upload straight to the final name:
 * GCS shows an object only once the upload is finalized, and the client checks the CRC32C the
 * server reports against the bytes it sent before the upload counts as done.
 *
 * @example
 * const destination = createGcsDestination({ kind: 'gcs', bucket: 'partner-drop', prefix: 'leads/',
 *   serviceAccountJson: keyFileText });
 * const receipt = await destination.upload(stream, { fileName: 'leads.csv', contentType: 'text/csv' });
 */
export function createGcsDestination(config: GcsConfig, options: { readonly chunkSize?: number } = {}): Destination {
  validateOrThrow(validateConfig, config);
  const storage = storageClient(config, parseServiceAccount(config.serviceAccountJson));
  const bucket = storage.bucket(config.bucket);
  const prefix = config.prefix ?? '';
  const chunkSize = options.chunkSize ?? GCS_CHUNK_SIZE;
  const location = (name: string): string => `gs://${config.bucket}/${name}`;

  return {
    upload(source, meta) {
      const name = `${prefix}${meta.fileName}`;
      let uri: string | undefined;
      return guardedUpload(source, meta, {
        async transfer(input, digest) {
          const file = bucket.file(name);
          // Open the session first: `createWriteStream` alone sends it unauthenticated to a custom
          // endpoint (@google-cloud/storage 7.22 drops `useAuthWithCustomEndpoint` on that path).
          [uri] = await file.createResumableUpload({ metadata: { contentType: meta.contentType } });
          meta.signal?.throwIfAborted();
          const sink = file.createWriteStream({ uri, resumable: true, chunkSize, validation: 'crc32c' });
          await pipeline(input, digest, sink, meta.signal ? { signal: meta.signal } : {});
          return location(name);
        },
        discard: async () => {
          if (uri !== undefined) await cancelSession(storage, uri);
        },
        toDestinationError: (cause) => toGcsError(`GCS upload to ${location(name)}`, cause),
      });
    },

    async test(signal?: AbortSignal): Promise<void> {
      const probe = bucket.file(`${prefix}${probeName()}`);
      const steps = (async () => {
        try {
          await probe.save(Buffer.from('parley destination test\n'), { resumable: false, contentType: 'text/plain' });
        } catch (error) {
          throw toGcsError(`Writing a test object to ${location(probe.name)}`, error);
        }
        try {
          await probe.delete();
        } catch (error) {
          throw toGcsError(`Deleting the test object ${location(probe.name)}`, error);
        }
      })();
      await untilAborted(steps, signal);
    },
  };
}
