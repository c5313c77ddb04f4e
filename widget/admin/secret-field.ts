import { copyText } from './clipboard.js';
import { el, uniqueId } from './dom-builder.js';
import { icon } from './icons.js';

/**
 * A secret shown once (a ZIP password, a webhook signing secret): a labelled read-only field
 * with a copy button and a status line that says whether the copy worked. Focus it to select it.
 */
export function secretField(options: { readonly label: string; readonly value: string; readonly copyLabel: string; readonly copiedText: string }): { readonly element: HTMLElement; readonly input: HTMLInputElement } {
  const id = uniqueId('secret');
  const input = el('input', { className: 'input mono', attrs: { id, type: 'text', readonly: true, value: options.value, autocomplete: 'off', spellcheck: 'false' } });
  const copied = el('span', { className: 'hint', attrs: { role: 'status' } });
  const copy = el('button', { className: 'button icon-button', attrs: { type: 'button', 'aria-label': options.copyLabel }, on: {
    click: async () => {
      copied.textContent = (await copyText(options.value, input)) ? options.copiedText : 'Copy failed: select the text and copy it by hand.';
    },
  } }, [icon('copy')]);
  const element = el('div', { className: 'field' }, [el('label', { attrs: { for: id }, text: options.label }), el('div', { className: 'copy-row' }, [input, copy]), copied]);
  return { element, input };
}
