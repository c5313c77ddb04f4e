import { fileUploadPath, type Reply, type ReplyAck, type SessionInfo, type Turn } from '../../core/chat-protocol.js';
import { createHostEvents } from '../host-events.js';
import { mountShadow } from '../shadow-mount.js';
import { collectVariables } from '../variables-input.js';
import type { WidgetOptions } from '../widget-options.js';
import { placeWidget, type WidgetHandle, type WidgetRegistry } from '../widget-registry.js';
import { stringsFor } from '../widget-strings.js';
import { openChatConnection, type ChatConnection, type ConnectionState } from './chat-connection.js';
import { createConversationView } from './conversation-view.js';
import { uploadFile } from './file-upload.js';
import { bindPanelToggle } from './panel-toggle.js';
import { localResumeStore, memoryResumeStore, resumeKey } from './resume-store.js';

/**
 * How long a file upload may take before the widget gives up on it (and the visitor may send the
 * same file again, counted once): 10 MB at about 1 Mbit/s.
 */
const UPLOAD_TIMEOUT_MS = 120_000;

function resolveContainer(container: WidgetOptions['container']): HTMLElement | undefined {
  if (container === undefined || typeof container !== 'string') return container;
  try {
    return document.querySelector<HTMLElement>(container) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Mounts one widget for an embedding script (or `Parley.init`) and registers it. In bubble mode
 * the socket opens the first time the panel opens, so pages where nobody chats create no
 * sessions; in inline mode the chat is on show, so it connects at once. Every step is told to the
 * host page as `parley:*` events.
 */
export function startChatWidget(script: HTMLScriptElement | null, options: WidgetOptions, registry: WidgetRegistry): WidgetHandle {
  const { workspace, flow } = options;
  const placement = placeWidget(registry, workspace, flow);
  const strings = stringsFor(options.locale ?? navigator.language);
  const container = options.mode === 'inline' ? resolveContainer(options.container) : undefined;
  const elements = mountShadow({
    id: placement.id,
    slot: placement.slot,
    title: options.title ?? strings.defaultTitle,
    workspace,
    flow,
    strings,
    script,
    position: options.position,
    theme: options.theme,
    color: options.color,
    avatar: options.avatar,
    container,
  });
  // A preview keeps its session in memory only: it never resumes, nor is resumed by, a visitor's session.
  const resume = options.preview ? memoryResumeStore() : localResumeStore(resumeKey(workspace, flow, placement.occurrence));
  let connection: ChatConnection | undefined;
  /**
   * The conversation is over (a done turn was shown): its socket is closed, since nothing more
   * comes on it, and opening the panel again shows the log without connecting. "Start again" and
   * `reset()` connect for a new session.
   */
  let ended = false;
  let sessionId = resume.load()?.sessionId;
  /** The step the visitor is answering now, from the last turn shown. */
  let waiting: { stepId: string | null; module: string | null } = { stepId: null, module: null };
  let lastSeq = -1;
  let setByApi: Record<string, unknown> = {};
  let lastState: ConnectionState | undefined;
  /** Where files go: next to socket.io (the same path prefix, when the server sits behind one). */
  const uploadUrl = `${options.origin}${options.socketPath.replace(/\/socket\.io$/, '')}${fileUploadPath(workspace, flow)}`;
  /**
   * File uploads waiting for their answer, by reply id (the socket's replies wait in the
   * connection's outbox). A new session, a restart or a reset drops them: an answer that comes
   * later belongs to the session left behind and is not shown, as the outbox's cleared replies.
   */
  const uploads = new Map<string, AbortController>();
  const dropUploads = (): void => {
    for (const controller of uploads.values()) controller.abort();
    uploads.clear();
  };

  const events = createHostEvents(window, () => ({ widget: placement.id, workspace, flow, sessionId: sessionId ?? null }), { dataLayer: options.dataLayer });
  const variables = () => collectVariables({ declared: options.variables, urlVariables: options.urlVariables, search: window.location.search, set: setByApi });
  const reportDropped = (dropped: ReturnType<typeof collectVariables>['dropped']): void => {
    for (const problem of dropped) events.emit('error', { code: 'variables_dropped', path: `/variables${problem.path}` });
  };
  const warn = (problem: string): void => {
    console.warn(`Parley widget: ${problem}.`);
    events.emit('error', { code: 'options_invalid' });
  };

  /** A new session: on the open connection, or on a new one once the last conversation ended. */
  const restart = (): void => {
    dropUploads();
    if (connection) return connection.restart();
    resume.clear();
    ended = false;
    connection = connect();
  };

  const view = createConversationView(placement.id, elements, strings, {
    send: (value) => connection!.send(value),
    sendFile: (file, clientMessageId) => sendFile(file, clientMessageId),
    restart,
    isOpen: () => panel.isOpen(),
  });

  /** Tells the page about a turn once (a resumed or re-sent turn is not new). */
  const announce = (turn: Turn): void => {
    if (turn.seq <= lastSeq) return;
    lastSeq = turn.seq;
    waiting = { stepId: turn.stepId, module: turn.module ?? null };
    events.emit('turn', { stepId: turn.stepId, module: turn.module ?? null, seq: turn.seq });
    for (const message of turn.messages) if (message.kind === 'stamps') events.emit('stamp', { filled: message.filled, goal: message.goal });
    if (turn.done) events.emit('end');
  };
  /** Closes the socket once a done turn is shown (see `ended`). */
  const endIfDone = (turn: Turn): void => {
    if (!turn.done || !connection) return;
    ended = true;
    connection.close();
    connection = undefined;
  };
  const showTurn = (turn: Turn): void => {
    view.showTurn(turn);
    announce(turn);
    endIfDone(turn);
  };

  const showAck = (reply: Pick<Reply, 'clientMessageId'>, ack: ReplyAck): void => {
    if (ack.ok) {
      if (ack.turn.seq > lastSeq) events.emit('answer', { stepId: waiting.stepId, module: waiting.module });
      view.showAck(reply, ack);
      announce(ack.turn);
      endIfDone(ack.turn);
      return;
    }
    view.showAck(reply, ack);
    events.emit('error', { code: ack.error.code, ...(ack.error.path !== undefined && { path: ack.error.path }) });
  };

  /**
   * Uploads a file answering the current input with the session's resume token. Its
   * acknowledgement is applied as a socket reply's; a refusal or a failure shows at the input.
   * The page hears of it as of any answer: step and module, never the file or its name.
   */
  const sendFile = (file: File, clientMessageId: string): void => {
    const resumeToken = resume.load()?.resumeToken;
    if (!resumeToken) {
      view.showUploadFailure(clientMessageId, { kind: 'failed' });
      events.emit('error', { code: 'upload_failed' });
      return;
    }
    const controller = new AbortController();
    uploads.set(clientMessageId, controller);
    const timer = setTimeout(() => controller.abort(), UPLOAD_TIMEOUT_MS);
    void uploadFile({ url: uploadUrl, resumeToken, clientMessageId, file, signal: controller.signal }).then((outcome) => {
      clearTimeout(timer);
      if (uploads.get(clientMessageId) !== controller) return;
      uploads.delete(clientMessageId);
      if (outcome.kind === 'ack') return showAck({ clientMessageId }, outcome.ack);
      view.showUploadFailure(clientMessageId, outcome);
      const error = outcome.kind === 'refused' ? outcome.error : { code: 'upload_failed', path: undefined };
      events.emit('error', { code: error.code, ...(error.path !== undefined && { path: error.path }) });
    });
  };

  const connect = (): ChatConnection =>
    openChatConnection(
      { origin: options.origin, socketPath: options.socketPath, workspace, flow, resume, variables: () => variables().variables, preview: options.preview, idleMs: options.idleTimeout * 1000 },
      {
        state(state: ConnectionState) {
          view.showState(state);
          if (state === 'unavailable' && lastState !== 'unavailable') events.emit('error', { code: 'unavailable' });
          lastState = state;
        },
        session(info: SessionInfo) {
          if (sessionId !== undefined && info.sessionId !== sessionId) {
            dropUploads();
            view.reset();
            lastSeq = -1;
          }
          sessionId = info.sessionId;
        },
        turn: showTurn,
        ack: showAck,
        refused: (error) => events.emit('error', { code: error.code, ...(error.path !== undefined && { path: error.path }) }),
      },
    );

  const panel = bindPanelToggle(
    elements,
    strings,
    () => {
      if (!ended) connection ??= connect();
      view.focus();
      events.emit('open');
    },
    () => events.emit('close'),
  );

  const handle: WidgetHandle = {
    id: placement.id,
    workspace,
    flow,
    open: panel.open,
    close: panel.close,
    toggle: () => (panel.isOpen() ? panel.close() : panel.open()),
    isOpen: panel.isOpen,
    reset() {
      dropUploads();
      if (connection || ended) restart();
      else resume.clear();
      sessionId = undefined;
      lastSeq = -1;
      view.reset();
    },
    setVariables(values) {
      if (typeof values !== 'object' || values === null) return;
      reportDropped(collectVariables({ declared: {}, urlVariables: [], search: '', set: values }).dropped);
      setByApi = { ...setByApi, ...values };
    },
    destroy() {
      dropUploads();
      connection?.close();
      elements.host.remove();
      const index = registry.widgets.indexOf(handle);
      if (index !== -1) registry.widgets.splice(index, 1);
    },
  };
  registry.widgets.push(handle);
  for (const problem of options.problems) warn(problem);
  if (options.mode === 'inline' && !container) warn('the data-container element of an inline widget was not found; showing a bubble');
  reportDropped(variables().dropped);
  events.emit('ready');
  if (container) {
    connection = connect();
    events.emit('open');
  } else if (options.openAtLoad) {
    panel.open();
  }
  return handle;
}
