import type { Reply, ReplyAck, Turn } from '../../core/chat-protocol.js';
import type { WidgetElements } from '../shadow-mount.js';
import { element } from '../shadow-mount.js';
import type { WidgetStrings } from '../widget-strings.js';
import type { ConnectionState } from './chat-connection.js';
import { renderInput, type InputView } from './input-view.js';
import { appendBotMessage, appendEndLine, appendUserMessage } from './message-view.js';

/** What the conversation view asks of the widget around it. */
export interface ConversationActions {
  /** Sends a value and returns the reply (with its id) so the view can match the acknowledgement. */
  send(value: string | boolean): Reply;
  restart(): void;
  /** Whether the panel is open, so focus only moves when the visitor can see the input. */
  isOpen(): boolean;
}

/** The chat log, the current input and the status lines of one widget. */
export interface ConversationView {
  showTurn(turn: Turn): void;
  showAck(reply: Reply, ack: ReplyAck): void;
  showState(state: ConnectionState): void;
  /** A different session started: forget what was shown. */
  reset(): void;
  /** Moves focus to the current input (or the panel) after opening. */
  focus(): void;
}

/** A reply on its way: the input it came from and the echo shown in the log. */
interface InFlight {
  readonly view: InputView;
  readonly echo: HTMLElement;
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
    for (const message of turn.messages) appendBotMessage(log, message);
    if (turn.done || !turn.input) {
      if (turn.done) showDone();
      else composer.replaceChildren();
    } else {
      const view: InputView = renderInput(turn.input, {
        id,
        strings,
        submit: (value, echo) => submit(view, value, echo),
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
