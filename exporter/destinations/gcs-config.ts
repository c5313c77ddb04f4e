/**
 * What a GCS destination is configured with, and its JSON Schema: no SDK here, so validating a config and
 * listing the destination forms never loads @google-cloud/storage (gcs-destination.ts does, on first use).
 */

/** A Google Cloud Storage bucket, written with a service-account key. */
export interface GcsConfig {
  readonly kind: 'gcs';
  readonly bucket: string;
  /** Object name prefix ending with `/` (e.g. `exports/daily/`), or absent for the bucket root. */
  readonly prefix?: string;
  /** The service-account key file's content (JSON text). */
  readonly serviceAccountJson: string;
  /** Base URL of the JSON API when it is not `https://storage.googleapis.com`. */
  readonly apiEndpoint?: string;
}

/** JSON Schema of GcsConfig (prefix: relative, ends with `/`; apiEndpoint: http(s) URL without credentials). */
export const gcsConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'bucket', 'serviceAccountJson'],
  properties: {
    kind: { const: 'gcs' },
    bucket: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$', title: 'Bucket' },
    prefix: { type: 'string', maxLength: 512, pattern: '^(?:[^/\\u0000-\\u001f\\u007f]+/)*$', title: 'Object name prefix', description: 'Ends with / (e.g. exports/daily/); empty for the bucket root.' },
    serviceAccountJson: { type: 'string', minLength: 2, maxLength: 16384, title: 'Service account key (JSON)', writeOnly: true },
    apiEndpoint: { type: 'string', maxLength: 2048, pattern: '^https?://[^/@\\s]+(?:/[^@\\s]*)?$', title: 'API endpoint', description: 'Only when it is not https://storage.googleapis.com.' },
  },
} as const;
