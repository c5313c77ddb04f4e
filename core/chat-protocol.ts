/**
 * The realtime chat protocol between the widget and the gateway (socket.io namespace `/chat`).
 * Shared by both sides; the gateway validates every payload it receives.
 *
 * Handshake: `io(url + '/chat', { auth: HandshakeAuth })`. The page's Origin must be one of the
 * workspace's allowed origins (or the server's own origin). On connect the server emits the
 * current `turn` with the session's `SessionInfo` as a second argument (one frame: a separate
 * event cost a websocket frame and a socket write per conversation on both sides); later turns
 * come as `ReplyAck`s. The client answers with `reply` (acknowledged with a
 * `ReplyAck`). A session that cannot start (unknown or closed flow) gets `chat_error` with a
 * `ProtocolError`, then the server disconnects; a refused handshake arrives as a connect error
 * whose `data` is a `ProtocolError`.
 */

/** What the visitor's browser reports about its device (non-personal, coarse). */
export interface DeviceReport {
  readonly screenWidth: number;
  readonly screenHeight: number;
  /** The embedding page without its fragment (the server keeps origin and path only). */
  readonly url: string;
  readonly language: string;
  /** IANA time zone, or '' when unknown. */
  readonly timezone: string;
}

/** The handshake's `auth` object. */
export interface HandshakeAuth {
  readonly workspace: string;
  readonly flow: string;
  readonly resumeToken?: string;
  readonly device?: DeviceReport;
  /** ISO time the visitor started the conversation (kept across reloads). */
  readonly startedAt?: string;
  /**
   * Host-page variables (rules at the end of this file): at most 20 strings of at most 500 characters.
   * They become session variables before the first turn of a new session; a resumed session
   * ignores them. A set that breaks the rules refuses the handshake (`validation_failed`, path
   * `/auth/variables/<name>`).
   */
  readonly variables?: Readonly<Record<string, string>>;
  /**
   * A console preview token (`POST /api/v1/flows/{flow}/preview`): the new session is marked as a
   * preview and counts in no export, draw or statistic. A token that is not valid for this
   * workspace and flow, or has expired, refuses the handshake (`forbidden`).
   */
  readonly preview?: string;
}

/** Something the bot says. Text is always rendered as text, never as HTML. */
export type BotMessage =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'link'; readonly label: string; readonly url: string }
  /** A loyalty card of `goal` places (at most `MAX_STAMP_GOAL`), `filled` of them stamped: the widget draws it and says it in words. */
  | { readonly kind: 'stamps'; readonly filled: number; readonly goal: number };

/** The most places a loyalty card has. */
export const MAX_STAMP_GOAL = 50;

export interface ChoiceOption {
  readonly id: string;
  readonly label: string;
  /** An http(s) address the button opens in a new tab as it answers (a share button). */
  readonly url?: string;
}

/** What the bot waits for; `null` when the flow is done. */
export type InputRequest =
  | {
      readonly kind: 'choice';
      readonly options: readonly ChoiceOption[];
      /** Seconds to answer (a timed quiz question): the widget counts them down, then replies `''`, which the server takes as no answer in time. */
      readonly timeLimitSeconds?: number;
    }
  | {
      readonly kind: 'text';
      readonly label: string;
      readonly required: boolean;
      readonly maxLength: number;
      readonly placeholder?: string;
      /** A phone number (a telephone field) or a date (a date field, sent as YYYY-MM-DD); free text without it. */
      readonly format?: 'phone' | 'date';
      /** For a date: the latest one the field offers (YYYY-MM-DD, today where the workspace is). */
      readonly max?: string;
      /** For a date: it is the participant's birth date (the browser may fill it in). */
      readonly birthDate?: boolean;
    }
  | {
      readonly kind: 'email';
      readonly label: string;
      readonly placeholder?: string;
      /** Shown under the field: what the address is used for (privacy notice). */
      readonly notice?: string;
      /** An http(s) link to the full terms, and what it says. */
      readonly termsUrl?: string;
      readonly termsLabel?: string;
    }
  | { readonly kind: 'consent'; readonly label: string; readonly termsUrl?: string; readonly termsLabel?: string; readonly required: boolean }
  | {
      readonly kind: 'file';
      readonly label: string;
      /** The MIME types the step takes (checked on the file's bytes, not its name). */
      readonly accept: readonly string[];
      readonly maxBytes: number;
      /** When false, a `reply` with the value `''` skips the step. */
      readonly required: boolean;
      /** What the skip button says (when not required). */
      readonly skipLabel?: string;
    }
  | {
      /** A rating from `min` to `max` (1–5 stars, 0–10 for a net promoter question): the reply is the number chosen, as text. */
      readonly kind: 'rating';
      readonly min: number;
      readonly max: number;
      /** Stars (drawn as stars, named "3 of 5 stars") or numbers. */
      readonly style: 'stars' | 'numbers';
      /** What the lowest and the highest end mean ("Not at all likely", "Extremely likely"). */
      readonly lowLabel?: string;
      readonly highLabel?: string;
    };

/** The start `turn` event's second argument: the ids a client keeps to resume after a reload or a lost connection. */
export interface SessionInfo {
  readonly sessionId: string;
  readonly resumeToken: string;
}

/** `turn` event: the bot's messages since the last turn and what it waits for now. */
export interface Turn {
  /** Increments with every processed reply; a client ignores a turn older than one it has shown. */
  readonly seq: number;
  readonly stepId: string | null;
  /** The module of the step waiting for input (`null` when done); the widget reports it in `parley:answer`. */
  readonly module?: string | null;
  readonly messages: readonly BotMessage[];
  readonly input: InputRequest | null;
  readonly done: boolean;
}

/** `reply` event payload. `clientMessageId` makes a retried reply count once. */
export interface Reply {
  readonly clientMessageId: string;
  /** Choice option id, text, email or consent boolean. */
  readonly value: string | boolean;
}

export interface ProtocolError {
  readonly code: string;
  readonly message: string;
  readonly path?: string;
}

/** Acknowledgement of a `reply`: the next turn, or an error after which the session goes on. */
export type ReplyAck = { readonly ok: true; readonly turn: Turn } | { readonly ok: false; readonly error: ProtocolError };

export const CHAT_NAMESPACE = '/chat';

/**
 * A file answers a `file` input over HTTP, not over the socket (whose frames stay under
 * `MAX_FRAME_BYTES`): `POST /chat/{workspace}/{flow}/files` with the file's bytes as the body and
 * its type as `Content-Type`, the session's resume token as `Authorization: Bearer <token>`, the
 * reply's `clientMessageId` in `X-Parley-Message-Id` and the file's name, percent-encoded, in
 * `X-Parley-File-Name`. The page's Origin must be allowed as for the handshake. The answer is the
 * reply's `ReplyAck` (200), or `{ error: ProtocolError }` with 4xx when the request itself is refused.
 */
export function fileUploadPath(workspace: string, flow: string): string {
  return `/chat/${encodeURIComponent(workspace)}/${encodeURIComponent(flow)}/files`;
}
export const FILE_MESSAGE_ID_HEADER = 'X-Parley-Message-Id';
export const FILE_NAME_HEADER = 'X-Parley-File-Name';
/** No step takes a larger file. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** What a file over a step's limit is told, by the step and by the gateway that checks the announced size first. */
export function fileSizeLimitMessage(maxBytes: number): string {
  return `At most ${Math.round((maxBytes / 1024 / 1024) * 10) / 10} MB`;
}
export const MAX_FRAME_BYTES = 16 * 1024;

// Host-page variables (`HandshakeAuth.variables`): the widget drops what breaks these rules before
// sending; the gateway refuses a handshake that still breaks them.

/** A variable name the flow can use as `{{name}}`. */
export const HOST_VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const MAX_HOST_VARIABLES = 20;
export const MAX_HOST_VARIABLE_LENGTH = 500;

/** One rule a set of host variables breaks, with the JSON path (relative to the set) of the culprit. */
export interface HostVariableProblem {
  readonly path: string;
  readonly message: string;
}

/** True when `text` holds U+0000 or a surrogate half without its pair. */
function hasForbiddenCharacters(text: string): boolean {
  return /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** The first problem of one name/value pair, or undefined when it may be sent. Never quotes the value. */
export function hostVariableProblem(name: string, value: unknown): HostVariableProblem | undefined {
  const path = `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  if (!HOST_VARIABLE_NAME.test(name)) return { path, message: 'A variable name has letters, digits and underscores (at most 64), and does not start with a digit' };
  if (typeof value !== 'string') return { path, message: 'A variable value must be a string' };
  if (value.length > MAX_HOST_VARIABLE_LENGTH) return { path, message: `A variable value has at most ${MAX_HOST_VARIABLE_LENGTH} characters` };
  if (hasForbiddenCharacters(value)) return { path, message: 'A variable value may not contain NUL or unpaired surrogate characters' };
  return undefined;
}

/** Every problem of a whole set: not an object, too many entries, or bad pairs. */
export function hostVariablesProblems(value: unknown): HostVariableProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [{ path: '', message: 'Variables must be an object of strings' }];
  const entries = Object.entries(value);
  const problems: HostVariableProblem[] = [];
  if (entries.length > MAX_HOST_VARIABLES) problems.push({ path: '', message: `At most ${MAX_HOST_VARIABLES} variables` });
  for (const [name, item] of entries) {
    const problem = hostVariableProblem(name, item);
    if (problem) problems.push(problem);
  }
  return problems;
}
