import { el, uniqueId, type Child } from './dom-builder.js';

/** An open modal dialog. */
export interface ModalDialog {
  readonly element: HTMLDialogElement;
  /** The dialog's content area, below its heading. */
  readonly body: HTMLElement;
  /** Closes the dialog and removes it (and everything it showed) from the page. */
  close(): void;
}

/**
 * Opens a native modal `<dialog>` (focus kept inside, Escape closes) named by its heading.
 * Closing it in any way removes it from the DOM and runs `onClose` once; focus goes back to
 * the element that had it.
 */
export function openModal(options: { readonly title: string; readonly description?: string; readonly className?: string; readonly onClose?: () => void }): ModalDialog {
  const titleId = uniqueId('dialog-title');
  const descriptionId = options.description ? uniqueId('dialog-desc') : undefined;
  const body = el('div', { className: 'dialog-body' });
  const children: Child[] = [el('h2', { attrs: { id: titleId }, text: options.title })];
  if (options.description) children.push(el('p', { attrs: { id: descriptionId }, text: options.description }));
  children.push(body);
  const dialog = el('dialog', { className: `dialog ${options.className ?? ''}`.trim(), attrs: { 'aria-labelledby': titleId, 'aria-describedby': descriptionId } }, children);
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    dialog.remove();
    options.onClose?.();
    if (opener?.isConnected) opener.focus();
  };
  dialog.addEventListener('close', finish);
  document.body.appendChild(dialog);
  dialog.showModal();
  return {
    element: dialog,
    body,
    close() {
      if (dialog.open) dialog.close();
      finish();
    },
  };
}
