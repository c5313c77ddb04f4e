/**
 * What an S3 destination is configured with, and its JSON Schema: no SDK here, so validating a config and
 * listing the destination forms never loads the AWS SDK (s3-destination.ts does, on first use).
 */

/** An Amazon S3 bucket, or a bucket on an S3-compatible store reached through `endpoint`. */
export interface S3Config {
  readonly kind: 's3';
  readonly bucket: string;
  /** Key prefix ending with `/` (e.g. `exports/daily/`), or absent for the bucket root. */
  readonly prefix?: string;
  readonly region: string;
  /** Base URL of an S3-compatible store, e.g. `https://minio.example.org:9000`. */
  readonly endpoint?: string;
  /** Address buckets as `endpoint/bucket/key` instead of `bucket.endpoint/key`. */
  readonly forcePathStyle?: boolean;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** JSON Schema of S3Config (prefix: relative, ends with `/`; endpoint: http(s) URL without credentials). */
export const s3ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'bucket', 'region', 'accessKeyId', 'secretAccessKey'],
  properties: {
    kind: { const: 's3' },
    bucket: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', title: 'Bucket' },
    prefix: { type: 'string', maxLength: 512, pattern: '^(?:[^/\\u0000-\\u001f\\u007f]+/)*$', title: 'Key prefix', description: 'Ends with / (e.g. exports/daily/); empty for the bucket root.' },
    region: { type: 'string', pattern: '^[a-z0-9-]{1,32}$', title: 'Region', description: 'e.g. eu-west-3.' },
    endpoint: { type: 'string', maxLength: 2048, pattern: '^https?://[^/@\\s]+(?:/[^@\\s]*)?$', title: 'Endpoint', description: 'Only for an S3-compatible store, e.g. https://minio.example.org:9000.' },
    forcePathStyle: { type: 'boolean', title: 'Path-style addresses', description: 'endpoint/bucket/key instead of bucket.endpoint/key.' },
    accessKeyId: { type: 'string', minLength: 1, maxLength: 256, title: 'Access key id' },
    secretAccessKey: { type: 'string', minLength: 1, maxLength: 256, title: 'Secret access key', writeOnly: true },
  },
} as const;
