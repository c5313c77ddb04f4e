import type { WidgetInput } from './widget-options.js';

/** What a page script can do with one mounted widget (`window.Parley.widgets[i]`, or what `init` returns). */
export interface WidgetHandle {
  /** Unique on the page, e.g. `parley-1`; prefixes every element id of this widget. */
  readonly id: string;
  readonly workspace: string;
  readonly flow: string;
  open(): void;
  close(): void;
  toggle(): void;
  isOpen(): boolean;
  /** Forgets the current conversation and starts a new session (with the current variables). */
  reset(): void;
  /**
   * Adds variables for the next new session (`null` removes one): they apply before its first
   * turn; a session already started keeps its variables until `reset()`.
   */
  setVariables(variables: Readonly<Record<string, string | number | boolean | null>>): void;
  /** Disconnects and removes the widget from the page. */
  destroy(): void;
}

/**
 * `Parley.init` options: the attribute names without `data-` (camelCase), plus `server`, the
 * Parley server's base URL (default: where this `widget.js` came from).
 *
 * @example
 * window.Parley.init({ workspace: 'ws', flow: 'welcome', mode: 'inline', container: '#chat', variables: { plan: 'pro' } });
 */
export type InitOptions = Omit<WidgetInput, 'src'> & { readonly server?: string };

/** The one global the widget defines: every widget mounted on the page. */
export interface WidgetRegistry {
  readonly version: 1;
  readonly widgets: WidgetHandle[];
  /** Scripts already turned into widgets, so a tag is never mounted twice. */
  readonly mountedScripts: WeakSet<HTMLScriptElement>;
  instanceCount: number;
  /** Mounts a widget from a script (single-page apps); throws a TypeError on unusable options. */
  init?: (options: InitOptions) => WidgetHandle;
}

declare global {
  interface Window {
    Parley?: WidgetRegistry;
  }
}

/** The page's registry, created on first use (several copies of widget.js share it). */
export function widgetRegistry(): WidgetRegistry {
  const existing = window.Parley;
  if (existing && existing.version === 1 && Array.isArray(existing.widgets)) return existing;
  const registry: WidgetRegistry = { version: 1, widgets: [], mountedScripts: new WeakSet(), instanceCount: 0 };
  window.Parley = registry;
  return registry;
}

/** Where a new widget sits among those already on the page. */
export interface WidgetPlacement {
  readonly id: string;
  /** Column from the right edge, so several launchers and panels do not cover each other. */
  readonly slot: number;
  /** How many widgets of the same workspace and flow came before; keeps their sessions apart. */
  readonly occurrence: number;
}

/** Reserves an id, a slot and an occurrence number for a widget of `workspace`/`flow`. */
export function placeWidget(registry: WidgetRegistry, workspace: string, flow: string): WidgetPlacement {
  registry.instanceCount += 1;
  const occurrence = registry.widgets.filter((w) => w.workspace === workspace && w.flow === flow).length;
  return { id: `parley-${registry.instanceCount}`, slot: registry.widgets.length, occurrence };
}
