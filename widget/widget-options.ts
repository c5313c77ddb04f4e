/** What one embedding tag asks for, read once from the script's attributes. */
export interface WidgetOptions {
  /** Origin of the Parley server, e.g. `https://chat.example.com`. */
  readonly origin: string;
  /** socket.io path on that server, next to `widget.js` (`/socket.io` when served at the root). */
  readonly socketPath: string;
  readonly workspace: string;
  readonly flow: string;
  readonly title: string | undefined;
  readonly openAtLoad: boolean;
  readonly locale: string | undefined;
}

/** The attributes of the embedding script that the widget reads. */
export interface ScriptAttributes {
  readonly src: string;
  readonly workspace: string | null;
  readonly flow: string | null;
  readonly title: string | null;
  readonly open: string | null;
  readonly locale: string | null;
}

/** Reads the attributes of an embedding `<script>` element. */
export function scriptAttributes(script: HTMLScriptElement): ScriptAttributes {
  return {
    src: script.src,
    workspace: script.getAttribute('data-workspace'),
    flow: script.getAttribute('data-flow'),
    title: script.getAttribute('data-title'),
    open: script.getAttribute('data-open'),
    locale: script.getAttribute('data-locale'),
  };
}

/**
 * Options from the script attributes, or `undefined` when the tag is unusable (no workspace,
 * no flow, or a `src` that is not an http(s) URL).
 *
 * @example
 * parseWidgetOptions({ src: 'https://h.example/widget.js', workspace: 'w', flow: 'f', title: null, open: 'true', locale: null })
 * // → { origin: 'https://h.example', socketPath: '/socket.io', workspace: 'w', flow: 'f', openAtLoad: true, … }
 */
export function parseWidgetOptions(attributes: ScriptAttributes): WidgetOptions | undefined {
  const workspace = attributes.workspace?.trim();
  const flow = attributes.flow?.trim();
  if (!workspace || !flow) return undefined;
  let url: URL;
  try {
    url = new URL(attributes.src);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const directory = url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1);
  return {
    origin: url.origin,
    socketPath: `${directory}socket.io`,
    workspace,
    flow,
    title: attributes.title?.trim() || undefined,
    openAtLoad: attributes.open?.trim().toLowerCase() === 'true',
    locale: attributes.locale?.trim() || undefined,
  };
}
