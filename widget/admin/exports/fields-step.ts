import { el, replaceChildren, srOnly, uniqueId } from '../dom-builder.js';
import type { CatalogueFieldInfo, CatalogueGroup } from '../export-api-types.js';
import { createField } from '../form-field.js';
import { debounce, type BuilderContext, type BuilderStep, type StepSpec } from './builder-context.js';
import { createDesignZone } from './design-zone.js';
import { findField, newDraftField } from './export-draft.js';
import { createFirstRowPreview } from './preview-table.js';

/** Keys typed by hand for the open-ended sections: external values and host-page variables. */
const TYPED_KEYS: Readonly<Record<string, { readonly label: string; readonly button: string; readonly prefix: string; readonly pattern: RegExp; readonly hint: string }>> = {
  external: { label: 'External field (namespace.key)', button: 'Add external field', prefix: 'external.', pattern: /^[a-z][a-z0-9_-]{0,31}\.[a-z][a-z0-9_-]{0,63}$/, hint: 'e.g. pop.status, as partners attach it to entries.' },
  variable: { label: 'Host page variable name', button: 'Add host page variable', prefix: 'variable.', pattern: /^[A-Za-z_][A-Za-z0-9_]{0,63}$/, hint: 'Any name the page passes in (data-variables, setVariables, URL parameters).' },
};

/**
 * Step 2, Select fields: the flow's catalogue by section ("Available data"); a click or Enter on
 * a field moves it into the design zone, where columns are reordered (buttons or drag) and
 * removed; under it, a live preview shows the file's columns and first row.
 */
function createFieldsStep(ctx: BuilderContext): BuilderStep {
  const { draft } = ctx;
  const available = el('div', { className: 'available' });
  const alert = el('p', { className: 'field-error', attrs: { role: 'alert' } });
  const preview = createFirstRowPreview(ctx);
  const refreshPreview = debounce(() => void preview.refresh(), 300);
  const zone = createDesignZone(draft.fields, {
    changed(message) {
      renderAvailable();
      ctx.announce(message);
      ctx.changed();
      refreshPreview();
    },
    edit: (field) => ctx.editField(field.uid),
    focusOutside: () => available.querySelector<HTMLElement>('button')?.focus(),
  });

  function add(info: CatalogueFieldInfo, group: string, value = ''): void {
    const field = newDraftField(info, group, value);
    const customs = draft.fields.filter((other) => other.key === 'custom').length;
    if (info.key === 'custom' && customs > 0) field.column = `custom_${customs + 1}`;
    draft.fields.push(field);
    zone.render();
    ctx.announce(`${info.label} added as column ${draft.fields.length}.`);
    ctx.changed();
    refreshPreview();
  }

  function fieldButton(info: CatalogueFieldInfo, group: CatalogueGroup): HTMLLIElement {
    const button = el('button', { className: 'button field-choice', attrs: { type: 'button', 'data-key': info.key } }, [el('span', { attrs: { 'aria-hidden': 'true' }, text: '+ ' }), srOnly('Add '), info.label]);
    button.addEventListener('click', () => {
      const buttons = [...available.querySelectorAll<HTMLButtonElement>('button.field-choice')];
      const next = buttons[buttons.indexOf(button) + 1]?.dataset.key;
      add(info, group.group);
      renderAvailable();
      const target = (next && available.querySelector<HTMLElement>(`button[data-key="${CSS.escape(next)}"]`)) || available.querySelector<HTMLElement>('button.field-choice');
      target?.focus();
    });
    return el('li', {}, [button]);
  }

  function typedKey(group: CatalogueGroup): HTMLElement {
    const spec = TYPED_KEYS[group.group]!;
    const field = createField({ label: spec.label, hint: spec.hint, control: el('input', { className: 'input', attrs: { type: 'text', spellcheck: 'false', autocapitalize: 'off' } }) });
    const button = el('button', { className: 'button', attrs: { type: 'button' }, text: spec.button });
    button.addEventListener('click', () => {
      const name = field.control.value.trim();
      if (!spec.pattern.test(name)) return field.showError('Not a valid name for this section.');
      field.clearError();
      add(findField(ctx.catalogue(), `${spec.prefix}${name}`).info, group.group);
      field.control.value = '';
    });
    return el('div', { className: 'typed-key' }, [field.element, button]);
  }

  function customColumn(group: CatalogueGroup): HTMLElement {
    const field = createField({ label: 'Custom column value', hint: 'The same value on every row, e.g. a brand or a campaign code.', control: el('input', { className: 'input', attrs: { type: 'text', maxlength: 10000 } }) });
    const button = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Add custom column' });
    button.addEventListener('click', () => {
      if (field.control.value === '') return field.showError('Type the value first.');
      field.clearError();
      add(group.fields[0] ?? { key: 'custom', label: 'Constant value', type: 'text', personal: false }, 'custom', field.control.value);
      field.control.value = '';
    });
    return el('div', { className: 'typed-key' }, [field.element, button]);
  }

  function renderAvailable(): void {
    const catalogue = ctx.catalogue();
    if (!catalogue) {
      replaceChildren(available, [el('p', { className: 'empty', text: 'Choose a flow or a table in step 1: its fields appear here.' })]);
      return;
    }
    const selected = new Set(draft.fields.map((field) => field.key));
    replaceChildren(available, catalogue.groups.map((group) => {
      const headingId = uniqueId('group');
      const fields = group.group === 'custom' ? [] : group.fields.filter((info) => !selected.has(info.key));
      return el('section', { className: 'field-group', attrs: { 'aria-labelledby': headingId } }, [
        el('h5', { attrs: { id: headingId }, text: group.title }),
        el('p', { className: 'hint', text: group.description }),
        fields.length > 0 ? el('ul', { className: 'field-list' }, fields.map((info) => fieldButton(info, group))) : null,
        group.group === 'custom' ? customColumn(group) : TYPED_KEYS[group.group] ? typedKey(group) : null,
      ]);
    }));
  }

  renderAvailable();
  void preview.refresh();
  return {
    element: el('div', { className: 'export-step fields-step' }, [
      el('p', { className: 'muted', text: 'The flow’s steps and form (or the table) decide what can be exported. Click a field (or press Enter on it) to move it into the design zone; the first column of the zone is the first column of the file.' }),
      alert,
      el('div', { className: 'fields-layout' }, [
        el('section', { className: 'card', attrs: { 'aria-label': 'Available data' } }, [el('h4', { text: 'Available data' }), available]),
        el('section', { className: 'card', attrs: { 'aria-label': 'Selected columns' } }, [el('h4', { text: 'Design zone' }), zone.element, preview.element]),
      ]),
    ]),
    showError(path, message) {
      if (path !== '/fields') return false;
      alert.textContent = message;
      return true;
    },
  };
}

export const FIELDS_STEP: StepSpec = { key: 'fields', title: 'Select fields', paths: [/^\/fields$/], create: createFieldsStep };
