import type { WidgetElements } from '../shadow-mount.js';
import type { WidgetStrings } from '../widget-strings.js';

/** Opens and closes the panel, keeping the launcher's name and state in step. */
export interface PanelToggle {
  open(): void;
  close(): void;
  isOpen(): boolean;
}

/** Wires the launcher, the hide button and Escape; `onOpen`/`onClose` run after every opening/closing. */
export function bindPanelToggle(elements: WidgetElements, strings: WidgetStrings, onOpen: () => void, onClose: () => void = () => undefined): PanelToggle {
  const { launcher, panel, hideButton, shadow } = elements;
  const isOpen = (): boolean => !panel.hidden;

  const open = (): void => {
    if (isOpen()) return;
    panel.hidden = false;
    launcher.setAttribute('aria-label', strings.closeChat);
    launcher.setAttribute('aria-expanded', 'true');
    onOpen();
  };
  const close = (): void => {
    if (!isOpen()) return;
    const focusWasInside = shadow.activeElement !== null;
    panel.hidden = true;
    launcher.setAttribute('aria-label', strings.openChat);
    launcher.setAttribute('aria-expanded', 'false');
    if (focusWasInside) launcher.focus({ preventScroll: true });
    onClose();
  };

  launcher.addEventListener('click', () => (isOpen() ? close() : open()));
  hideButton.addEventListener('click', close);
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
    }
  });
  return { open, close, isOpen };
}
