/**
 * What the widget tells its host page: `parley:<name>` CustomEvents on `window`, and with
 * `data-datalayer="true"` the same as `{ event: 'parley_<name>', … }` pushed to `window.dataLayer`.
 * Details carry ids and step facts only, never what the visitor typed or sent (a file's bytes
 * and name included).
 */
export const HOST_EVENT_NAMES = ['ready', 'open', 'close', 'turn', 'answer', 'end', 'error', 'stamp'] as const;
export type HostEventName = (typeof HOST_EVENT_NAMES)[number];

/** The `detail` of every event. */
export interface HostEventDetail {
  /** The widget's id on the page (`parley-1`), to tell several widgets apart. */
  readonly widget: string;
  readonly workspace: string;
  readonly flow: string;
  /** The chat session, or null before the first connection. */
  readonly sessionId: string | null;
  /** The step concerned (`turn`: now waiting; `answer`: just answered). */
  readonly stepId?: string | null;
  /** The module of that step (`answer`, `turn`). */
  readonly module?: string | null;
  /** `turn`: the turn's sequence number. */
  readonly seq?: number;
  /**
   * `error`: a stable code (`validation_failed`, `rate_limited`, `unavailable`, `variables_dropped`,
   * `upload_failed` when a file got no answer, `payload_too_large`, …).
   */
  readonly code?: string;
  /** `error`: the JSON path concerned, when there is one (a variable name, never its value). */
  readonly path?: string;
  /** `stamp`: the stamped places of the loyalty card shown, and its places (`filled` equal to `goal`: the card is full). */
  readonly filled?: number;
  readonly goal?: number;
}

/** Only the facts an event may carry; anything else a caller passes is left out. */
export type HostEventFacts = Pick<HostEventDetail, 'stepId' | 'module' | 'seq' | 'code' | 'path' | 'filled' | 'goal'>;

/** Where events go: normally `window`. */
export interface HostEventTarget {
  dispatchEvent(event: Event): boolean;
  dataLayer?: unknown;
}

export interface HostEvents {
  emit(name: HostEventName, facts?: HostEventFacts): void;
}

const FACT_KEYS = ['stepId', 'module', 'seq', 'code', 'path', 'filled', 'goal'] as const;

/** Builds a detail from the widget's identity and the allowed facts only. */
export function eventDetail(identity: { widget: string; workspace: string; flow: string; sessionId: string | null }, facts: HostEventFacts = {}): HostEventDetail {
  const picked = Object.fromEntries(FACT_KEYS.filter((key) => facts[key] !== undefined).map((key) => [key, facts[key]])) as HostEventFacts;
  return Object.freeze({ widget: identity.widget, workspace: identity.workspace, flow: identity.flow, sessionId: identity.sessionId, ...picked });
}

/** An emitter for one widget; `identity()` is read at each event (the session id changes). */
export function createHostEvents(
  target: HostEventTarget,
  identity: () => { widget: string; workspace: string; flow: string; sessionId: string | null },
  options: { dataLayer: boolean },
): HostEvents {
  return {
    emit(name, facts) {
      const detail = eventDetail(identity(), facts);
      try {
        if (options.dataLayer) {
          if (!Array.isArray(target.dataLayer)) target.dataLayer = [];
          (target.dataLayer as unknown[]).push({ event: `parley_${name}`, ...detail });
        }
        target.dispatchEvent(new CustomEvent(`parley:${name}`, { detail }));
      } catch (error) {
        // A page listener that throws must not stop the chat.
        console.warn('Parley widget: a parley:%s listener failed', name, error);
      }
    },
  };
}
