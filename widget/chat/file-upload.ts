import { FILE_MESSAGE_ID_HEADER, FILE_NAME_HEADER, type ProtocolError, type ReplyAck } from '../../core/chat-protocol.js';

/** One file answering a `file` input (chat-protocol's `fileUploadPath` says what the request carries). */
export interface FileUpload {
  /** The server's files address for this workspace and flow. */
  readonly url: string;
  /** The session's resume token. */
  readonly resumeToken: string;
  /** The reply's id: the same for a retry of the same file, so it counts once. */
  readonly clientMessageId: string;
  readonly file: File;
  readonly signal?: AbortSignal;
}

/**
 * How an upload ended: the reply's acknowledgement (as over the socket); a refusal of the request
 * itself (`{ error }` with 4xx or 5xx); or no usable answer at all (network failure, timeout, a
 * proxy's page), after which nobody knows whether the server took the file.
 */
export type UploadOutcome =
  | { readonly kind: 'ack'; readonly ack: ReplyAck }
  | { readonly kind: 'refused'; readonly status: number; readonly error: ProtocolError }
  | { readonly kind: 'failed' };

function isAck(value: unknown): value is ReplyAck {
  if (typeof value !== 'object' || value === null) return false;
  const { ok, turn, error } = value as Record<string, unknown>;
  return ok === true ? typeof turn === 'object' && turn !== null : ok === false && isError(error);
}

function isError(value: unknown): value is ProtocolError {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string';
}

/** The refusal in an error body, keeping only the fields the protocol names. */
function refusal(value: unknown): ProtocolError | undefined {
  const error = typeof value === 'object' && value !== null ? (value as { error?: unknown }).error : undefined;
  if (!isError(error)) return undefined;
  const { code, message, path } = error as unknown as Record<string, unknown>;
  return { code: code as string, message: typeof message === 'string' ? message : '', ...(typeof path === 'string' && { path }) };
}

/** Sends the file's bytes as they are (never read into the page), and reads the answer. */
export async function uploadFile(upload: FileUpload, fetchImpl: typeof fetch = fetch): Promise<UploadOutcome> {
  let response: Response;
  let body: unknown;
  try {
    response = await fetchImpl(upload.url, {
      method: 'POST',
      body: upload.file,
      headers: {
        'Content-Type': upload.file.type || 'application/octet-stream',
        Authorization: `Bearer ${upload.resumeToken}`,
        [FILE_MESSAGE_ID_HEADER]: upload.clientMessageId,
        [FILE_NAME_HEADER]: encodeURIComponent(upload.file.name),
      },
      credentials: 'omit',
      cache: 'no-store',
      ...(upload.signal && { signal: upload.signal }),
    });
    body = await response.json();
  } catch {
    return { kind: 'failed' };
  }
  if (response.status === 200) return isAck(body) ? { kind: 'ack', ack: body } : { kind: 'failed' };
  const error = refusal(body);
  return error ? { kind: 'refused', status: response.status, error } : { kind: 'failed' };
}
