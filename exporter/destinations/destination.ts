import type { Readable } from 'node:stream';

/** What a destination is told about the file it receives. */
export interface UploadMeta {
  /** Final file name (no directories); the upload goes to a temporary name first. */
  readonly fileName: string;
  readonly contentType: string;
  readonly signal?: AbortSignal;
  /**
   * Called right before the whole file is moved to its final name (the rename); throwing stops
   * it, and the temporary file is removed. Destinations that complete an upload in place
   * (S3, GCS) commit as their input ends: the caller checks before ending it.
   */
  readonly beforeCommit?: () => Promise<void>;
}

/** What a destination reports once the file is whole under its final name. */
export interface UploadReceipt {
  /** Where the file now is, for people (e.g. `sftp://host:22/out/file.csv`), with no credentials. */
  readonly location: string;
  readonly bytes: number;
  /** Hex SHA-256 of the bytes delivered. */
  readonly sha256: string;
}

/**
 * A place exports are delivered to. Implementations stream the file to a temporary name and
 * rename (or complete) it only when whole, so a partner never reads a half-written file, and
 * throw DestinationError (with `retryable`) on failure.
 */
export interface Destination {
  upload(source: Readable, meta: UploadMeta): Promise<UploadReceipt>;
  /** Checks connectivity and write permission without exporting any data. */
  test(signal?: AbortSignal): Promise<void>;
}
