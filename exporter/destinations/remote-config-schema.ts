/** JSON Schema pieces shared by the configs of network destinations (FTP, FTPS, SFTP). */

/** Any string without control characters (CR/LF would inject protocol commands). */
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f]+$';

/** A DNS name or an IP address (IPv6 without brackets). */
export const hostSchema = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9._:-]+$' } as const;

export const portSchema = { type: 'integer', minimum: 1, maximum: 65535 } as const;

/** A login name or a remote directory path. */
export const remoteNameSchema = { type: 'string', minLength: 1, maxLength: 1024, pattern: NO_CONTROL_CHARACTERS } as const;
