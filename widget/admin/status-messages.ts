import { ApiError } from './api-client.js';
import { el } from './dom-builder.js';

/** A message for any failure: the API's own message, or a generic sentence (never a stack). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong. Please try again.';
}

/** A polite live region for results ("Row deleted."), announced by screen readers. */
export interface Announcer {
  readonly element: HTMLElement;
  say(message: string): void;
}

export function createAnnouncer(): Announcer {
  const element = el('p', { className: 'announcer', attrs: { role: 'status', 'aria-live': 'polite' } });
  return {
    element,
    say(message: string) {
      element.textContent = message;
    },
  };
}
