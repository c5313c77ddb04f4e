import type { ConsoleContext } from '../console-context.js';
import { el, replaceChildren } from '../dom-builder.js';
import { errorMessage } from '../status-messages.js';
import type { WidgetHandle, WidgetRegistry } from '../../widget-registry.js';
import { WRITES } from '../write-actions.js';

/** The "Try it" pane of the flow builder. */
export interface PreviewPane {
  readonly element: HTMLElement;
  /** Removes a running preview (the flow was saved again, or the builder closes). */
  stop(): void;
}

let widgetScript: Promise<WidgetRegistry> | undefined;

/** Loads this server's `/widget.js` into the console page once (the real widget, as sites embed it). */
function loadWidget(): Promise<WidgetRegistry> {
  widgetScript ??= new Promise<WidgetRegistry>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/widget.js';
    script.async = true;
    script.addEventListener('load', () => (window.Parley?.init ? resolve(window.Parley) : reject(new Error('The widget did not load.'))));
    script.addEventListener('error', () => {
      widgetScript = undefined;
      reject(new Error('The widget could not be loaded. Check your connection and try again.'));
    });
    document.head.appendChild(script);
  });
  return widgetScript;
}

/**
 * A pane that runs the saved flow in the real widget, mounted inline in the console. The admin
 * API signs a short-lived preview token for the flow; the widget sends it in the chat handshake,
 * so the session is marked preview: it runs for real but counts in no export, draw or statistic,
 * and keeps nothing in the browser. `flowId` is undefined until the flow is first saved.
 */
export function createPreviewPane(ctx: ConsoleContext, flowId: () => string | undefined): PreviewPane {
  const alert = el('p', { className: 'error', attrs: { role: 'alert' } });
  const frame = el('div', { className: 'preview-frame', attrs: { role: 'region', 'aria-label': 'Preview chat' } });
  let handle: WidgetHandle | undefined;
  const start = el('button', { className: 'button', attrs: { type: 'button', ...WRITES }, text: 'Try the saved flow' });

  function stop(): void {
    handle?.destroy();
    handle = undefined;
    replaceChildren(frame, []);
    frame.hidden = true;
    start.textContent = 'Try the saved flow';
  }

  start.addEventListener('click', async () => {
    alert.textContent = '';
    const id = flowId();
    if (!id) return void (alert.textContent = 'Save the flow first: the preview runs the saved version.');
    start.disabled = true;
    try {
      const [grant, widget] = await Promise.all([ctx.api.previewFlow(id), loadWidget()]);
      stop();
      const mount = el('div', { className: 'preview-mount' });
      replaceChildren(frame, [mount]);
      frame.hidden = false;
      handle = widget.init!({ workspace: grant.workspace, flow: grant.flow, mode: 'inline', container: mount, title: 'Preview', preview: grant.token, server: window.location.origin });
      start.textContent = 'Restart the preview';
      ctx.announce('The preview started. It counts in no export or statistic.');
    } catch (failure) {
      alert.textContent = errorMessage(failure);
    } finally {
      start.disabled = false;
    }
  });
  stop();
  const element = el('section', { className: 'card preview-pane', attrs: { 'aria-label': 'Try it' } }, [
    el('h3', { text: 'Try it' }),
    el('p', { className: 'muted', text: 'Runs the saved flow in the real widget. Preview sessions are marked as such: their data counts in no export, draw or statistic and stays out of the Data tab.' }),
    el('div', { className: 'toolbar' }, [start]),
    alert,
    frame,
  ]);
  return { element, stop };
}
