/**
 * The browser entry of `/widget.js` (bundled by esbuild into one IIFE). Embedding is one tag:
 *
 * @example
 * <script src="https://chat.example.com/widget.js" data-workspace="ws_1" data-flow="welcome"
 *         data-title="Ask us" data-color="#0f766e" data-theme="auto" data-url-variables="utm_source"></script>
 *
 * Single-page apps load the script without `data-flow` and call `window.Parley.init({...})`.
 */
import { startChatWidget } from './chat/widget-instance.js';
import { parseWidgetOptions, scriptAttributes } from './widget-options.js';
import { widgetRegistry, type InitOptions, type WidgetHandle, type WidgetRegistry } from './widget-registry.js';

function mountFromScript(script: HTMLScriptElement): void {
  const registry = widgetRegistry();
  if (registry.mountedScripts.has(script)) return;
  const options = parseWidgetOptions(scriptAttributes(script));
  if (!options) {
    console.warn('Parley widget: the script tag needs data-workspace and data-flow.');
    return;
  }
  registry.mountedScripts.add(script);
  startChatWidget(script, options, registry);
}

/** `Parley.init`: the same options as the attributes; the server defaults to where this script came from. */
function installInit(registry: WidgetRegistry, scriptSrc: string | undefined): void {
  if (registry.init) return;
  registry.init = (input: InitOptions): WidgetHandle => {
    const base = input.server ? `${input.server.replace(/\/+$/, '')}/widget.js` : scriptSrc;
    const options = parseWidgetOptions({ ...input, src: base ?? null });
    if (!options) throw new TypeError('Parley.init needs workspace, flow and (when widget.js was not loaded by a script tag) server');
    return startChatWidget(null, options, registry);
  };
}

const current = document.currentScript;
const ownSrc = current instanceof HTMLScriptElement ? current.src : undefined;
installInit(widgetRegistry(), ownSrc);
if (current instanceof HTMLScriptElement) {
  if (current.hasAttribute('data-flow') || current.hasAttribute('data-workspace')) mountFromScript(current);
} else {
  // Without currentScript (some loaders), mount every embedding tag not mounted yet.
  for (const script of Array.from(document.querySelectorAll<HTMLScriptElement>('script[data-workspace][data-flow]'))) {
    if (/\/widget\.js(\?|$)/.test(script.src)) mountFromScript(script);
  }
}
