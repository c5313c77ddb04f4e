import path from 'node:path';

/** What a local destination is configured with, and its JSON Schema, apart from the code that writes files. */

/** The folder local destinations write under (and the run history downloads from): `exports` in the data directory. */
export const localExportRoot = (dataDir: string): string => path.join(dataDir, 'exports');

/** A directory on this machine, relative to the root the operator allows exports in. */
export interface LocalConfig {
  readonly kind: 'local';
  /** Relative to the factory's `root`; never absolute, never `..`. */
  readonly directory: string;
}

/** JSON Schema of LocalConfig: a relative path without `..` segments, backslashes or control characters. */
export const localConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'directory'],
  properties: {
    kind: { const: 'local' },
    directory: {
      type: 'string',
      title: 'Directory',
      description: "Relative to this server's export folder; created if missing. Files there can be downloaded from the run history, and are removed once older than the server's export file retention (PARLEY_EXPORT_FILE_DAYS, 30 days by default).",
      minLength: 1,
      maxLength: 1024,
      pattern: '^(?!/)(?!(?:.*/)?\\.\\.(?:/|$))[^\\u0000-\\u001f\\u007f\\\\]+$',
    },
  },
} as const;
