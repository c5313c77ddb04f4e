import { safeHttpUrl } from './chat/safe-url.js';

export type WidgetPosition = 'left' | 'right';
export type WidgetTheme = 'light' | 'dark' | 'auto';
export type WidgetMode = 'bubble' | 'inline';

/** What one widget asks for, read once from its script tag or from `Parley.init(options)`. */
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
  /** Accent colour (a CSS colour the widget checked), or undefined for the default. */
  readonly color: string | undefined;
  readonly position: WidgetPosition;
  /** Absolute http(s) URL of an image shown in the header. */
  readonly avatar: string | undefined;
  readonly theme: WidgetTheme;
  readonly mode: WidgetMode;
  /** Inline mode: a CSS selector or the element to mount into. */
  readonly container: string | HTMLElement | undefined;
  /** Variables declared by the page (`data-variables` JSON or `init({variables})`), not yet checked. */
  readonly variables: Readonly<Record<string, unknown>>;
  /** URL query parameters that may become variables (`data-url-variables`); none by default. */
  readonly urlVariables: readonly string[];
  /** Also push every event to `window.dataLayer`. */
  readonly dataLayer: boolean;
  /** Seconds without a turn or reply after which the socket closes until the visitor's next reply (0: never). */
  readonly idleTimeout: number;
  /** Problems found while reading the options (unparsable `data-variables`, …), reported as `parley:error`. */
  readonly problems: readonly string[];
  /** A console preview token (`init` only): the session is marked preview and kept only in memory. */
  readonly preview: string | undefined;
}

/**
 * The raw inputs: script attributes (strings, `data-` prefix dropped, camelCased) or the object
 * given to `Parley.init`, where `variables` may be an object and the lists may be arrays.
 */
export interface WidgetInput {
  /** The `widget.js` URL: the server origin and socket.io path are derived from it. */
  readonly src?: string | null;
  readonly workspace?: string | null;
  readonly flow?: string | null;
  readonly title?: string | null;
  readonly open?: string | boolean | null;
  readonly locale?: string | null;
  readonly color?: string | null;
  readonly position?: string | null;
  readonly avatar?: string | null;
  readonly theme?: string | null;
  readonly mode?: string | null;
  readonly container?: string | HTMLElement | null;
  readonly variables?: string | Readonly<Record<string, unknown>> | null;
  readonly urlVariables?: string | readonly string[] | null;
  readonly datalayer?: string | boolean | null;
  readonly idleTimeout?: string | number | null;
  /** `init` only (no attribute): the token `POST /api/v1/flows/{flow}/preview` issued to the console. */
  readonly preview?: string | null;
}

/** The `data-*` attributes the widget reads on its embedding `<script>` tag, by input name. */
export const ATTRIBUTES = {
  workspace: 'data-workspace',
  flow: 'data-flow',
  title: 'data-title',
  open: 'data-open',
  locale: 'data-locale',
  color: 'data-color',
  position: 'data-position',
  avatar: 'data-avatar',
  theme: 'data-theme',
  mode: 'data-mode',
  container: 'data-container',
  variables: 'data-variables',
  urlVariables: 'data-url-variables',
  datalayer: 'data-datalayer',
  idleTimeout: 'data-idle-timeout',
} as const;

/** Reads the attributes of an embedding `<script>` element. */
export function scriptAttributes(script: HTMLScriptElement): WidgetInput {
  const input: Record<string, string | null> = { src: script.src };
  for (const [name, attribute] of Object.entries(ATTRIBUTES)) input[name] = script.getAttribute(attribute);
  return input;
}

const PREVIEW_TOKEN = /^[A-Za-z0-9_-]{1,300}\.[A-Za-z0-9_-]{1,100}$/;
const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const FUNCTION_COLOR = /^(?:rgb|rgba|hsl|hsla|oklch|oklab|lab|lch)\([0-9a-z.,%/\s+-]{1,80}\)$/i;

/** A colour value safe to put in a custom property: hex, a colour function, or a plain name. */
export function cleanColor(value: string | null | undefined): string | undefined {
  const color = value?.trim();
  if (!color) return undefined;
  if (HEX_COLOR.test(color) || FUNCTION_COLOR.test(color) || /^[a-z]{3,30}$/i.test(color)) return color;
  return undefined;
}

function text(value: string | null | undefined): string | undefined {
  return value?.trim() || undefined;
}

function flag(value: string | boolean | null | undefined): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

function oneOf<T extends string>(value: string | null | undefined, allowed: readonly T[], fallback: T): T {
  const lower = value?.trim().toLowerCase();
  return (allowed as readonly string[]).includes(lower ?? '') ? (lower as T) : fallback;
}

/** Default `idleTimeout`: ten minutes. */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 600;

/** Whole seconds from 0 to a day, or the default. */
function seconds(value: string | number | null | undefined, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 86_400 ? n : fallback;
}

function list(value: string | readonly string[] | null | undefined): string[] {
  const items = typeof value === 'string' ? value.split(',') : (value ?? []);
  return [...new Set(items.map((item) => String(item).trim()).filter((item) => item.length > 0))];
}

function declaredVariables(value: WidgetInput['variables'], problems: string[]): Record<string, unknown> {
  if (value === null || value === undefined || value === '') return {};
  if (typeof value !== 'string') return typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  problems.push('data-variables is not a JSON object');
  return {};
}

/**
 * Options from the attributes or `init` object, or `undefined` when the widget cannot work (no
 * workspace, no flow, or a `src` that is not an http(s) URL). Unknown values fall back to defaults.
 *
 * @example
 * parseWidgetOptions({ src: 'https://h.example/widget.js', workspace: 'w', flow: 'f', theme: 'dark', urlVariables: 'utm_source' })
 * // → { origin: 'https://h.example', socketPath: '/socket.io', theme: 'dark', urlVariables: ['utm_source'], … }
 */
export function parseWidgetOptions(input: WidgetInput): WidgetOptions | undefined {
  const workspace = text(input.workspace);
  const flow = text(input.flow);
  if (!workspace || !flow || !input.src) return undefined;
  let url: URL;
  try {
    url = new URL(input.src);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const directory = url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1);
  const problems: string[] = [];
  const mode = oneOf(input.mode, ['bubble', 'inline'] as const, 'bubble');
  const container = typeof input.container === 'string' ? text(input.container) : (input.container ?? undefined);
  if (mode === 'inline' && !container) problems.push('data-mode="inline" needs data-container');
  return {
    origin: url.origin,
    socketPath: `${directory}socket.io`,
    workspace,
    flow,
    title: text(input.title),
    openAtLoad: flag(input.open),
    locale: text(input.locale),
    color: cleanColor(input.color),
    position: oneOf(input.position, ['left', 'right'] as const, 'right'),
    avatar: safeHttpUrl(text(input.avatar)),
    theme: oneOf(input.theme, ['light', 'dark', 'auto'] as const, 'light'),
    mode: mode === 'inline' && container ? 'inline' : 'bubble',
    container,
    variables: declaredVariables(input.variables, problems),
    urlVariables: list(input.urlVariables),
    dataLayer: flag(input.datalayer),
    idleTimeout: seconds(input.idleTimeout, DEFAULT_IDLE_TIMEOUT_SECONDS),
    problems,
    preview: typeof input.preview === 'string' && PREVIEW_TOKEN.test(input.preview) ? input.preview : undefined,
  };
}
