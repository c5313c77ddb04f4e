import { el, replaceChildren } from '../dom-builder.js';
import { createField, type FormField } from '../form-field.js';
import type { BuilderContext, BuilderStep, StepSpec } from './builder-context.js';
import type { DraftField } from './export-draft.js';

const number = (value: number | undefined) => el('input', { className: 'input', attrs: { type: 'number', min: 0, max: 10000, step: 1, inputmode: 'numeric', value } });
const select = (choices: ReadonlyArray<readonly [string, string]>, chosen: string) =>
  el('select', { className: 'input' }, choices.map(([value, text]) => el('option', { attrs: { value, selected: value === chosen }, text })));
const readNumber = (control: { value: string }) => (control.value.trim() === '' ? undefined : Number(control.value));

/** The editor of one column: its controls, keyed by the definition property they set. */
function columnEditor(ctx: BuilderContext, field: DraftField): { element: HTMLElement; controls: Map<string, FormField> } {
  const custom = field.key === 'custom';
  const controls = new Map<string, FormField>();
  const bind = (property: string, form: FormField, write: () => void) => {
    controls.set(property, form);
    form.control.addEventListener(form.control instanceof HTMLSelectElement ? 'change' : 'input', () => {
      write();
      ctx.changed();
    });
    return form.element;
  };
  const column = createField({ label: 'Column name', hint: 'The title of the column in the file.', control: el('input', { className: 'input', attrs: { type: 'text', maxlength: 200, value: field.column } }) });
  const value = createField({ label: 'Value', hint: 'What every row holds in this column.', control: el('input', { className: 'input', attrs: { type: 'text', value: field.value } }) });
  const fallback = createField({ label: 'Default value', hint: 'Written when the participant entered nothing.', control: el('input', { className: 'input', attrs: { type: 'text', value: field.defaultValue } }) });
  const minSize = createField({ label: 'Minimum size', hint: 'Shorter values are padded to this many characters.', control: number(field.minSize) });
  const padChar = createField({ label: 'Padding character', control: select([[' ', 'Space'], ['0', 'Zero (0)']], field.padChar) });
  const padSide = createField({ label: 'Padding side', control: select([['left', 'Prefix (before the value)'], ['right', 'Suffix (after the value)']], field.padSide) });
  const maxSize = createField({ label: 'Maximum size', hint: 'Longer values are cut to this many characters.', control: number(field.maxSize) });
  const filters = ctx.options.filters.filter((filter) => filter.accepts.includes(field.type));
  const filterHint = () => filters.find((filter) => filter.id === field.filter)?.description ?? 'Values are written as they are.';
  const filter = createField({ label: 'Filter', hint: filterHint(), control: select([['', 'No filter'], ...filters.map((f) => [f.id, f.title] as const)], field.filter) });
  const padding = el('div', { className: 'padding-options' }, [
    bind('padChar', padChar, () => (field.padChar = padChar.control.value === '0' ? '0' : ' ')),
    bind('padSide', padSide, () => (field.padSide = padSide.control.value === 'right' ? 'right' : 'left')),
  ]);
  padding.hidden = field.minSize === undefined;
  const element = el('div', { className: 'column-editor' }, [
    el('p', { className: 'muted', text: `${field.label} (${field.key === 'custom' ? 'custom' : field.key}, ${field.type})` }),
    bind('column', column, () => (field.column = column.control.value)),
    custom ? bind('value', value, () => (field.value = value.control.value)) : null,
    field.group === 'form' ? bind('defaultValue', fallback, () => (field.defaultValue = fallback.control.value)) : el('p', { className: 'hint', text: 'Only form fields take a default value.' }),
    bind('minSize', minSize, () => {
      field.minSize = readNumber(minSize.control);
      padding.hidden = field.minSize === undefined;
    }),
    padding,
    bind('maxSize', maxSize, () => (field.maxSize = readNumber(maxSize.control))),
    custom ? null : bind('filter', filter, () => {
      field.filter = filter.control.value;
      const hint = filter.element.querySelector('.hint');
      if (hint) hint.textContent = filterHint();
    }),
  ]);
  return { element, controls };
}

/**
 * Step 3, Edit a field: pick a column of the design zone, then its column name, default value
 * (form fields), minimum size with padding character and side, maximum size and filter (the
 * filters that fit the field's type, by their plain names).
 */
function createFieldEditStep(ctx: BuilderContext, focus?: { readonly uid?: number }): BuilderStep {
  const { draft } = ctx;
  if (draft.fields.length === 0) {
    return { element: el('p', { className: 'empty', text: 'Add fields in step 2 first: then edit them here.' }), showError: () => false };
  }
  let current = draft.fields.find((field) => field.uid === focus?.uid) ?? draft.fields[0]!;
  const holder = el('div');
  const picker = createField({
    label: 'Column to edit',
    control: el('select', { className: 'input' }, draft.fields.map((field, i) => el('option', { attrs: { value: field.uid, selected: field === current }, text: `${i + 1}. ${field.column || field.key}` }))),
  });
  let editor = columnEditor(ctx, current);
  const show = () => {
    editor = columnEditor(ctx, current);
    replaceChildren(holder, [editor.element]);
  };
  picker.control.addEventListener('change', () => {
    current = draft.fields.find((field) => String(field.uid) === picker.control.value) ?? current;
    show();
  });
  show();
  return {
    element: el('div', { className: 'export-step' }, [el('p', { className: 'muted', text: 'Every setting is optional. Filters transform values as the file is written.' }), picker.element, holder]),
    showError(path, message) {
      const match = /^\/fields\/(\d+)(?:\/([^/]+))?/.exec(path);
      const target = match ? draft.fields[Number(match[1])] : undefined;
      if (!target) return false;
      if (target !== current) {
        current = target;
        picker.control.value = String(target.uid);
        show();
      }
      const control = editor.controls.get(match![2] ?? 'column') ?? editor.controls.get('column');
      control?.showError(message);
      return control !== undefined;
    },
  };
}

export const FIELD_EDIT_STEP: StepSpec = { key: 'field', title: 'Edit a field', paths: [/^\/fields\/\d+/], create: createFieldEditStep };
