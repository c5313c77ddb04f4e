/**
 * The browser entry of `/widget.js` (bundled by esbuild into one IIFE). Embedding is one tag:
 *
 * @example
 * <script src="https://chat.example.com/widget.js" data-workspace="ws_1" data-flow="welcome"
 *         data-title="Ask us" data-open="false" data-locale="en"></script>
 */
import { startChatWidget } from './chat/widget-instance.js';
import { parseWidgetOptions, scriptAttributes } from './widget-options.js';
import { widgetRegistry } from './widget-registry.js';

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

const current = document.currentScript;
if (current instanceof HTMLScriptElement) {
  mountFromScript(current);
} else {
  // Without currentScript (some loaders), mount every embedding tag not mounted yet.
  for (const script of Array.from(document.querySelectorAll<HTMLScriptElement>('script[data-workspace][data-flow]'))) {
    if (/\/widget\.js(\?|$)/.test(script.src)) mountFromScript(script);
  }
}
