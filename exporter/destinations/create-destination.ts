import type { Destination } from './destination.js';
import { ftpConfigSchema, type FtpConfig } from './ftp-config.js';
import { gcsConfigSchema, type GcsConfig } from './gcs-config.js';
import { lazyDestination } from './lazy-destination.js';
import { localConfigSchema, type LocalConfig } from './local-config.js';
import { s3ConfigSchema, type S3Config } from './s3-config.js';
import { sftpConfigSchema, type SftpConfig } from './sftp-config.js';
import { ValidationError } from '../../core/errors.js';
import { compileSchema, validateOrThrow, type Validator } from '../../core/schema-validator.js';

export type DestinationConfig = LocalConfig | FtpConfig | SftpConfig | S3Config | GcsConfig;

/** Where local deliveries live: under the data directory. */
export interface DestinationOptions {
  readonly localRoot: string;
}

interface Kind {
  readonly validate: Validator;
  /** Imports the kind's implementation (with its SDK or client library) and builds the destination. */
  load(config: never, options: DestinationOptions): Promise<Destination>;
}

/**
 * Every destination kind: its config schema and how its implementation is loaded, keyed by the
 * config's `kind`. Only the config modules are imported here: an SDK loads when a destination is used.
 */
const KINDS: Readonly<Record<string, Kind>> = {
  local: { validate: compileSchema(localConfigSchema), load: async (c: LocalConfig, o) => (await import('./local-destination.js')).createLocalDestination(c, { root: o.localRoot }) },
  ftp: { validate: compileSchema(ftpConfigSchema), load: async (c: FtpConfig) => (await import('./ftp-destination.js')).createFtpDestination(c) },
  ftps: { validate: compileSchema(ftpConfigSchema), load: async (c: FtpConfig) => (await import('./ftp-destination.js')).createFtpDestination(c) },
  sftp: { validate: compileSchema(sftpConfigSchema), load: async (c: SftpConfig) => (await import('./sftp-destination.js')).createSftpDestination(c) },
  s3: { validate: compileSchema(s3ConfigSchema), load: async (c: S3Config) => (await import('./s3-destination.js')).createS3Destination(c) },
  gcs: { validate: compileSchema(gcsConfigSchema), load: async (c: GcsConfig) => (await import('./gcs-destination.js')).createGcsDestination(c) },
};

/** Checks a destination config (with its credentials) against its kind's schema. */
export function validateDestination(config: unknown, path = '/destination'): DestinationConfig {
  const kind = (config as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(KINDS, kind)) {
    throw new ValidationError(`Destination kind must be one of ${Object.keys(KINDS).join(', ')}`, `${path}/kind`);
  }
  return validateOrThrow(KINDS[kind]!.validate, config, path) as DestinationConfig;
}

/** The destination a validated config describes; its implementation is loaded when it is first used. */
export function createDestination(config: DestinationConfig, options: DestinationOptions): Destination {
  const kind = KINDS[config.kind]!;
  return lazyDestination(() => kind.load(config as never, options));
}

/** A destination kind as the console offers it: its name and the form of its settings. */
export interface DestinationForm {
  readonly kind: DestinationConfig['kind'];
  readonly title: string;
  /** The config schema without `kind` (titles, descriptions; credentials marked `writeOnly`). */
  readonly schema: Readonly<Record<string, unknown>>;
}

type ConfigSchema = { readonly required: readonly string[]; readonly properties: Readonly<Record<string, unknown>> };

function formOf(schema: ConfigSchema, omit: readonly string[] = []): Readonly<Record<string, unknown>> {
  const keep = (key: string) => key !== 'kind' && !omit.includes(key);
  return {
    type: 'object',
    required: schema.required.filter(keep),
    properties: Object.fromEntries(Object.entries(schema.properties).filter(([key]) => keep(key))),
  };
}

/** Every destination kind, in the order the export guide lists them. */
export const DESTINATION_FORMS: readonly DestinationForm[] = [
  { kind: 'local', title: 'Local (download from the console)', schema: formOf(localConfigSchema) },
  { kind: 'ftp', title: 'FTP', schema: formOf(ftpConfigSchema, ['caCert']) },
  { kind: 'ftps', title: 'FTPS (FTP over TLS)', schema: formOf(ftpConfigSchema) },
  { kind: 'sftp', title: 'SFTP', schema: formOf(sftpConfigSchema) },
  { kind: 's3', title: 'Amazon S3', schema: formOf(s3ConfigSchema) },
  { kind: 'gcs', title: 'Google Cloud Storage', schema: formOf(gcsConfigSchema) },
];
