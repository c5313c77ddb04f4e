import type { SessionInfo } from '../../core/chat-protocol.js';
import { mountShadow } from '../shadow-mount.js';
import type { WidgetOptions } from '../widget-options.js';
import { placeWidget, type WidgetHandle, type WidgetRegistry } from '../widget-registry.js';
import { stringsFor } from '../widget-strings.js';
import { openChatConnection, type ChatConnection } from './chat-connection.js';
import { createConversationView } from './conversation-view.js';
import { bindPanelToggle } from './panel-toggle.js';
import { localResumeStore, resumeKey } from './resume-store.js';

/**
 * Mounts one widget for an embedding script and registers it. The socket opens the first time
 * the panel opens, so pages where nobody chats create no sessions.
 */
export function startChatWidget(script: HTMLScriptElement | null, options: WidgetOptions, registry: WidgetRegistry): WidgetHandle {
  const { workspace, flow } = options;
  const placement = placeWidget(registry, workspace, flow);
  const strings = stringsFor(options.locale ?? navigator.language);
  const elements = mountShadow({
    id: placement.id,
    slot: placement.slot,
    title: options.title ?? strings.defaultTitle,
    workspace,
    flow,
    strings,
    script,
  });
  const resume = localResumeStore(resumeKey(workspace, flow, placement.occurrence));
  let connection: ChatConnection | undefined;
  let sessionId = resume.load()?.sessionId;

  const view = createConversationView(placement.id, elements, strings, {
    send: (value) => connection!.send(value),
    restart: () => connection?.restart(),
    isOpen: () => panel.isOpen(),
  });

  const connect = (): ChatConnection =>
    openChatConnection(
      { origin: options.origin, socketPath: options.socketPath, workspace, flow, resume },
      {
        state: view.showState,
        session(info: SessionInfo) {
          if (sessionId !== undefined && info.sessionId !== sessionId) view.reset();
          sessionId = info.sessionId;
        },
        turn: view.showTurn,
        ack: view.showAck,
      },
    );

  const panel = bindPanelToggle(elements, strings, () => {
    connection ??= connect();
    view.focus();
  });

  const handle: WidgetHandle = {
    id: placement.id,
    workspace,
    flow,
    open: panel.open,
    close: panel.close,
    destroy() {
      connection?.close();
      elements.host.remove();
      const index = registry.widgets.indexOf(handle);
      if (index !== -1) registry.widgets.splice(index, 1);
    },
  };
  registry.widgets.push(handle);
  if (options.openAtLoad) panel.open();
  return handle;
}
