import type { InputRequest } from '../../core/chat-protocol.js';
import type { WidgetStrings } from '../widget-strings.js';
import { renderChoiceInput } from './choice-input-view.js';
import { renderConsentInput } from './consent-input-view.js';
import { renderFieldInput } from './field-input-view.js';
import { renderFileInput } from './file-input-view.js';
import { renderRatingInput } from './rating-input-view.js';

/** One rendered input request: its element, what to focus, and how to show a problem. */
export interface InputView {
  readonly root: HTMLElement;
  /** Receives focus when the input appears. */
  readonly focusTarget: HTMLElement;
  /** Shows a validation message next to the field (announced politely). */
  showError(message: string): void;
  /** Disables the controls while a reply waits for its acknowledgement. */
  setBusy(busy: boolean): void;
}

/** What an input view needs from the widget around it. */
export interface InputContext {
  /** Prefix for element ids, unique per widget. */
  readonly id: string;
  readonly strings: WidgetStrings;
  /** Sends a value; `echo` is what the log shows as the visitor's answer. */
  submit(value: string | boolean, echo: string): void;
  /**
   * Sends a file answering a `file` input (over HTTP: chat-protocol's `fileUploadPath`); the log
   * shows its name. Its answer is applied as a reply's acknowledgement.
   */
  submitFile(file: File): void;
}

/** Renders what the bot waits for. */
export function renderInput(request: InputRequest, context: InputContext): InputView {
  switch (request.kind) {
    case 'choice':
      return renderChoiceInput(request, context);
    case 'text':
    case 'email':
      return renderFieldInput(request, context);
    case 'consent':
      return renderConsentInput(request, context);
    case 'file':
      return renderFileInput(request, context);
    case 'rating':
      return renderRatingInput(request, context);
  }
}
