import type { ModuleInfo } from '../api-types.js';
import { el, uniqueId } from '../dom-builder.js';
import { openModal } from '../modal-dialog.js';

/**
 * Opens a dialog listing the modules by title, each a button with its description; resolves with
 * the chosen module, or undefined when the dialog is closed without a choice.
 */
export function pickModule(modules: readonly ModuleInfo[], storageEnabled: boolean): Promise<ModuleInfo | undefined> {
  return new Promise((resolve) => {
    let chosen: ModuleInfo | undefined;
    const dialog = openModal({ title: 'Add a step', description: 'Choose what the step does.', className: 'module-picker', onClose: () => resolve(chosen) });
    const list = el('ul', { className: 'module-list' }, modules.map((module) => {
      const unavailable = module.requiresStorage && !storageEnabled;
      const descriptionId = uniqueId('module-desc');
      return el('li', {}, [
        el('button', {
          className: 'button module-choice',
          attrs: { type: 'button', disabled: unavailable, 'aria-label': module.title, 'aria-describedby': descriptionId },
          on: { click: () => ((chosen = module), dialog.close()) },
        }, [
          el('span', { className: 'module-title', text: module.title }),
          el('span', { className: 'muted', attrs: { id: descriptionId }, text: unavailable ? `${module.description} Needs storage, which is off.` : module.description }),
        ]),
      ]);
    }));
    dialog.body.append(list, el('div', { className: 'actions' }, [el('button', { className: 'button', attrs: { type: 'button' }, text: 'Cancel', on: { click: () => dialog.close() } })]));
    list.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus();
  });
}
