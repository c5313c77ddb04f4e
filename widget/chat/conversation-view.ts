import type { Reply, ReplyAck, Turn } from '../../core/chat-protocol.js';
import type { WidgetElements } from '../shadow-mount.js';
import { element } from '../shadow-mount.js';
import type { WidgetStrings } from '../widget-strings.js';
import type { ConnectionState } from './chat-connection.js';
import { newClientMessageId } from './client-message-id.js';
import type { UploadOutcome } from './file-upload.js';
import { renderInput, type InputView } from './input-view.js';
import { appendBotMessage, appendEndLine, appendUserMessage } from './message-view.js';

/** What the conversation view asks of the widget around it. */
export interface ConversationActions {
  /** Sends a value and returns the reply (with its id) so the view can match the acknowledgement. */
  send(value: string | boolean): Reply;
  /**
   * Uploads a file answering the current input; its acknowledgement comes back through
   * `showAck`, a refusal or a failure through `showUploadFailure`, both with `clientMessageId`.
   */
  sendFile(file: File, clientMessageId: string): void;
  restart(): void;
  /** Whether the panel is open, so focus only moves when the visitor can see the input. */
  isOpen(): boolean;
}

/** The chat log, the current input and the status lines of one widget. */
export interface ConversationView {
  showTurn(turn: Turn): void;
  /** Applies a reply's acknowledgement (socket reply or file upload alike). */
  showAck(reply: Pick<Reply, 'clientMessageId'>, ack: ReplyAck): void;
  /** A file upload got no acknowledgement: the server refused the request, or never answered. */
  showUploadFailure(clientMessageId: string, outcome: Exclude<UploadOutcome, { kind: 'ack' }>): void;
  showState(state: ConnectionState): void;
  /** A different session started: forget what was shown. */
  reset(): void;
  /** Moves focus to the current input (or the panel) after opening. */
  focus(): void;
}

/** A reply on its way: the input it came from, the echo shown in the log, and the file it sends. */
interface InFlight {
  readonly view: InputView;
  readonly echo: HTMLElement;
  readonly file?: File;
}

/** The same file picked again (the same object, or the same name, size, date and type). */
function sameFile(a: File, b: File): boolean {
  return a === b || (a.name === b.name && a.size === b.size && a.lastModified === b.lastModified && a.type === b.type);
}

/** Binds the conversation parts of the panel to the protocol events. */
export function createConversationView(
  id: string,
  elements: WidgetElements,
  strings: WidgetStrings,
  actions: ConversationActions,
): ConversationView {
  const { log, composer, notice, status } = elements;
  let lastSeq = -1;
  let current: InputView | undefined;
  const inFlight = new Map<string, InFlight>();
  /**
   * Per file input, the file whose upload got no answer (the server may have taken it): sent
   * again, it keeps its reply id, so the server counts it once.
   */
  const unanswered = new WeakMap<InputView, { readonly file: File; readonly clientMessageId: string }>();

  const focusCurrent = (): void => {
    if (actions.isOpen()) (current?.focusTarget ?? elements.hideButton).focus({ preventScroll: true });
  };

  const submit = (view: InputView, value: string | boolean, echo: string): void => {
    notice.textContent = '';
    view.setBusy(true);
    const shown = appendUserMessage(log, echo);
    const reply = actions.send(value);
    inFlight.set(reply.clientMessageId, { view, echo: shown });
  };

  const submitFile = (view: InputView, file: File): void => {
    notice.textContent = '';
    view.setBusy(true);
    const shown = appendUserMessage(log, file.name);
    const retried = unanswered.get(view);
    const clientMessageId = retried && sameFile(retried.file, file) ? retried.clientMessageId : newClientMessageId();
    unanswered.delete(view);
    inFlight.set(clientMessageId, { view, echo: shown, file });
    actions.sendFile(file, clientMessageId);
  };

  const showDone = (): void => {
    appendEndLine(log, strings.done);
    const again = element('button', 'primary', { type: 'button' });
    again.textContent = strings.startAgain;
    again.addEventListener('click', () => actions.restart());
    composer.replaceChildren(again);
    current = { root: again, focusTarget: again, showError: () => undefined, setBusy: (busy) => (again.disabled = busy) };
  };

  const showTurn = (turn: Turn): void => {
    if (turn.seq <= lastSeq) return;
    lastSeq = turn.seq;
    notice.textContent = '';
    for (const message of turn.messages) appendBotMessage(log, message, strings);
    if (turn.done || !turn.input) {
      if (turn.done) showDone();
      else composer.replaceChildren();
    } else {
      const view: InputView = renderInput(turn.input, {
        id,
        strings,
        submit: (value, echo) => submit(view, value, echo),
        submitFile: (file) => submitFile(view, file),
      });
      composer.replaceChildren(view.root);
      current = view;
    }
    focusCurrent();
  };

  const refusalText = (code: string, message: string): string => {
    if (code === 'rate_limited') return strings.rateLimited;
    if (code === 'payload_too_large') return strings.payloadTooLarge;
    return message || strings.somethingWentWrong;
  };

  return {
    showTurn,
    showAck(reply, ack) {
      const sent = inFlight.get(reply.clientMessageId);
      inFlight.delete(reply.clientMessageId);
      if (ack.ok) {
        showTurn(ack.turn);
        return;
      }
      sent?.echo.remove();
      if (!sent || sent.view !== current) return;
      sent.view.setBusy(false);
      const { code, message } = ack.error;
      if (code === 'validation_failed') sent.view.showError(message || strings.somethingWentWrong);
      else notice.textContent = refusalText(code, message);
    },
    showUploadFailure(clientMessageId, outcome) {
      const sent = inFlight.get(clientMessageId);
      inFlight.delete(clientMessageId);
      sent?.echo.remove();
      if (!sent || sent.view !== current) return;
      // Without an answer, or with a server failure, the file may have been taken: keep its id.
      if (sent.file && (outcome.kind === 'failed' || outcome.status >= 500)) unanswered.set(sent.view, { file: sent.file, clientMessageId });
      sent.view.setBusy(false);
      if (outcome.kind === 'failed') sent.view.showError(strings.fileSendFailed);
      else sent.view.showError(outcome.error.message || refusalText(outcome.error.code, ''));
    },
    showState(state) {
      const text: Record<ConnectionState, string> = {
        connecting: strings.connecting,
        connected: '',
        reconnecting: strings.reconnecting,
        unavailable: strings.unavailable,
      };
      status.textContent = text[state];
    },
    reset() {
      lastSeq = -1;
      current = undefined;
      inFlight.clear();
      log.replaceChildren();
      composer.replaceChildren();
      notice.textContent = '';
    },
    focus: focusCurrent,
  };
}
