import { HOST_KEY_SHA256_PATTERN } from './host-key-fingerprint.js';
import { hostSchema, portSchema, remoteNameSchema } from './remote-config-schema.js';

/**
 * What an SFTP destination is configured with, and its JSON Schema: no client here, so validating a config
 * and listing the destination forms never loads ssh2 (sftp-destination.ts does, on first use).
 */

/** A directory on a partner's SSH server; the server is identified by its pinned host key. */
export interface SftpConfig {
  readonly kind: 'sftp';
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Exactly one of `password` and `privateKey`. */
  readonly password?: string;
  /** PEM or OpenSSH private key. */
  readonly privateKey?: string;
  /** Decrypts `privateKey` when it is encrypted. */
  readonly passphrase?: string;
  /** `SHA256:<base64 without padding>`, as `ssh-keygen -lf key.pub -E sha256` prints it. */
  readonly hostKeySha256: string;
  /** Absolute, or relative to the user's login directory; it must exist. */
  readonly directory: string;
}

/** JSON Schema of SftpConfig: a pinned host key and exactly one of password / private key. */
export const sftpConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'host', 'port', 'username', 'hostKeySha256', 'directory'],
  properties: {
    kind: { const: 'sftp' },
    host: { ...hostSchema, title: 'Host', description: 'Server name or IP address.' },
    port: { ...portSchema, title: 'Port', description: 'Usually 22.' },
    username: { ...remoteNameSchema, title: 'Username' },
    password: { type: 'string', minLength: 1, maxLength: 1024, title: 'Password', description: 'A password or a private key.', writeOnly: true },
    privateKey: { type: 'string', minLength: 1, maxLength: 16384, pattern: '-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----', title: 'Private key', description: 'PEM or OpenSSH private key.', writeOnly: true },
    passphrase: { type: 'string', minLength: 1, maxLength: 1024, title: 'Key passphrase', description: 'Only for an encrypted private key.', writeOnly: true },
    hostKeySha256: { type: 'string', pattern: HOST_KEY_SHA256_PATTERN, title: 'Host key fingerprint', description: 'SHA256:… as ssh-keygen -lf key.pub -E sha256 prints it; the connection stops if the server shows another key.' },
    directory: { ...remoteNameSchema, title: 'Directory', description: 'Absolute, or relative to the login directory; it must exist.' },
  },
  oneOf: [
    { properties: { password: true }, required: ['password'] },
    { properties: { privateKey: true }, required: ['privateKey'] },
  ],
  dependencies: { passphrase: ['privateKey'] },
} as const;
