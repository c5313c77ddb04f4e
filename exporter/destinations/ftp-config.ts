import { hostSchema, NO_CONTROL_CHARACTERS, portSchema, remoteNameSchema } from './remote-config-schema.js';

/**
 * What an FTP or FTPS destination is configured with, and its JSON Schema: no client here, so validating a
 * config and listing the destination forms never loads basic-ftp (ftp-destination.ts does, on first use).
 */

/** A directory on a partner's FTP server; `ftps` is explicit TLS (AUTH TLS) with the certificate always verified. */
export interface FtpConfig {
  readonly kind: 'ftp' | 'ftps';
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Absolute, or relative to the login directory; it must exist. */
  readonly directory: string;
  /** PEM of the CA to trust instead of the system's (FTPS only), e.g. for a partner's private CA. */
  readonly caCert?: string;
}

/** JSON Schema of FtpConfig: no control characters anywhere a command is built, `caCert` only for FTPS. */
export const ftpConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'host', 'port', 'user', 'password', 'directory'],
  properties: {
    kind: { enum: ['ftp', 'ftps'] },
    host: { ...hostSchema, title: 'Host', description: 'Server name or IP address.' },
    port: { ...portSchema, title: 'Port', description: 'Usually 21.' },
    user: { ...remoteNameSchema, title: 'User' },
    password: { type: 'string', minLength: 1, maxLength: 1024, pattern: NO_CONTROL_CHARACTERS, title: 'Password', writeOnly: true },
    directory: { ...remoteNameSchema, title: 'Directory', description: 'Absolute, or relative to the login directory; it must exist.' },
    caCert: { type: 'string', maxLength: 65536, pattern: '-----BEGIN CERTIFICATE-----', title: 'CA certificate (PEM)', description: "The partner's own CA, when its certificate is not signed by a public one." },
  },
  if: { properties: { kind: { const: 'ftp' } } },
  then: { properties: { caCert: false } },
} as const;
