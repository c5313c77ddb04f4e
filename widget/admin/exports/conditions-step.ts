import { el, replaceChildren } from '../dom-builder.js';
import { checkboxGroup } from '../checkbox-group.js';
import { createField, type FormField } from '../form-field.js';
import type { BuilderContext, BuilderStep, StepSpec } from './builder-context.js';
import type { DraftCondition, DraftField } from './export-draft.js';

const VALUE_HINTS: Readonly<Record<string, string>> = {
  date: 'A date such as 2026-03-31.',
  datetime: 'A date and time such as 2026-03-31T18:00 (workspace zone) or 2026-03-31.',
  boolean: 'true or false.',
  number: 'A number.',
};

type KnownValues = NonNullable<DraftField['values']>;

/** How a known value is named: its label, and the value itself when it differs. */
const valueName = (v: KnownValues[number]): string => (v.label === v.value ? v.label : `${v.label} (${v.value})`);

/** A value from the field's known ones, as a list (the current value kept when it is not among them). */
function valueSelect(label: string, values: KnownValues, current: string): FormField {
  const known = values.some((v) => v.value === current);
  const options = [
    // Nothing chosen yet: the condition has no value until the owner picks one.
    ...(current === '' ? [el('option', { attrs: { value: '', selected: true }, text: 'Choose a value' })] : known ? [] : [el('option', { attrs: { value: current, selected: true }, text: current })]),
    ...values.map((v) => el('option', { attrs: { value: v.value, selected: v.value === current }, text: valueName(v) })),
  ];
  return createField({ label, control: el('select', { className: 'input' }, options) });
}

/** One condition's controls: field (selected columns only), operator (those fitting its type), value (one of the field's known values when it has some). */
function conditionRow(ctx: BuilderContext, condition: DraftCondition, position: number, fields: readonly DraftField[], remove: () => void) {
  const field = () => fields.find((f) => f.key === condition.field);
  const fieldControl = createField({
    label: `Condition ${position} field`,
    control: el('select', { className: 'input' }, fields.map((f) => el('option', { attrs: { value: f.key, selected: f.key === condition.field }, text: `${f.column || f.key} (${f.label})` }))),
  });
  const operatorControl = createField({ label: `Condition ${position} operator`, control: el('select', { className: 'input' }) });
  const valueSlot = el('div');
  let showValueError: ((message: string) => void) | undefined;

  const fillOperators = () => {
    const type = field()?.type ?? 'text';
    const operators = ctx.options.operators.filter((op) => op.types.includes(type));
    if (!operators.some((op) => op.id === condition.operator)) condition.operator = operators[0]?.id ?? '';
    replaceChildren(operatorControl.control, operators.map((op) => el('option', { attrs: { value: op.id, selected: op.id === condition.operator }, text: op.title })));
  };
  const fillValue = () => {
    const shape = ctx.operatorShape(condition.operator);
    // Known values stand for a value compared whole: not for `contains` or an ordering.
    const known = ctx.options.operators.find((op) => op.id === condition.operator)?.wholeValue ? (field()?.values ?? []) : [];
    const hint = VALUE_HINTS[field()?.type ?? 'text'];
    const read = (value: string) => {
      condition.value = value;
      ctx.changed();
    };
    showValueError = undefined;
    if (shape === 'none') {
      replaceChildren(valueSlot, []);
    } else if (known.length > 0 && shape === 'list') {
      // Ticked values travel as a typed list does: one per line.
      const ticked = new Set(condition.value.split('\n').map((line) => line.trim()));
      const checks = checkboxGroup({ legend: `Condition ${position} values`, choices: known.map((v) => ({ value: v.value, label: valueName(v) })), ticked, className: 'condition-values' });
      checks.element.addEventListener('change', () => read(checks.checked().join('\n')));
      showValueError = checks.showError;
      replaceChildren(valueSlot, [checks.element]);
    } else {
      const typed = known.length > 0
        ? valueSelect(`Condition ${position} value`, known, condition.value)
        : shape === 'list'
          ? createField({ label: `Condition ${position} values (one per line)`, hint, control: el('textarea', { className: 'input', attrs: { rows: 3 }, text: condition.value }) })
          : createField({ label: `Condition ${position} value`, hint, control: el('input', { className: 'input', attrs: { type: 'text', value: condition.value } }) });
      typed.control.addEventListener('input', () => read(typed.control.value));
      showValueError = typed.showError;
      replaceChildren(valueSlot, [typed.element]);
    }
  };
  fieldControl.control.addEventListener('change', () => {
    condition.field = fieldControl.control.value;
    fillOperators();
    fillValue();
    ctx.changed();
  });
  operatorControl.control.addEventListener('change', () => {
    condition.operator = operatorControl.control.value;
    fillValue();
    ctx.changed();
  });
  fillOperators();
  fillValue();
  const removeButton = el('button', { className: 'button danger', attrs: { type: 'button', 'aria-label': `Remove condition ${position}` }, text: 'Remove', on: { click: remove } });
  const element = el('li', {}, [el('fieldset', { className: 'condition' }, [el('legend', { text: `Condition ${position}` }), fieldControl.element, operatorControl.element, valueSlot, el('div', { className: 'actions' }, [removeButton])])]);
  return {
    element,
    showError(part: string, message: string) {
      if (part === 'field') fieldControl.showError(message);
      else if (part === 'operator' || !showValueError) operatorControl.showError(message);
      else showValueError(message);
    },
  };
}

/**
 * Step 4, Conditions: rows are exported only when every condition holds (AND). A condition is on
 * a selected field (not a custom column), with the operators that fit its type.
 */
function createConditionsStep(ctx: BuilderContext): BuilderStep {
  const { draft } = ctx;
  const list = el('ol', { className: 'conditions', attrs: { 'aria-label': 'Conditions' } });
  const fields = () => draft.fields.filter((field) => field.key !== 'custom');
  let rows: Array<ReturnType<typeof conditionRow>> = [];
  const add = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Add condition' });

  const render = () => {
    const selectable = fields();
    rows = draft.conditions.map((condition, i) => conditionRow(ctx, condition, i + 1, selectable, () => {
      draft.conditions.splice(i, 1);
      render();
      ctx.announce(`Condition ${i + 1} removed.`);
      ctx.changed();
      add.focus();
    }));
    replaceChildren(list, rows.map((row) => row.element));
    add.disabled = selectable.length === 0;
  };
  add.addEventListener('click', () => {
    const first = fields()[0];
    if (!first) return;
    draft.conditions.push({ field: first.key, operator: '', value: '' });
    render();
    ctx.announce(`Condition ${draft.conditions.length} added.`);
    ctx.changed();
    list.lastElementChild?.querySelector<HTMLElement>('select')?.focus();
  });
  render();
  return {
    element: el('div', { className: 'export-step' }, [
      el('p', { className: 'muted', text: 'Export only the rows you need: every condition must hold (they are added together). A condition applies to a field selected in step 2.' }),
      fields().length === 0 ? el('p', { className: 'hint', text: 'Add fields in step 2 first.' }) : null,
      list,
      el('div', { className: 'actions' }, [add]),
    ]),
    showError(path, message) {
      const match = /^\/conditions\/(\d+)(?:\/(\w+))?/.exec(path);
      const row = match ? rows[Number(match[1])] : undefined;
      row?.showError(match![2] ?? 'field', message);
      return row !== undefined;
    },
  };
}

export const CONDITIONS_STEP: StepSpec = { key: 'conditions', title: 'Conditions', paths: [/^\/conditions(\/|$)/], create: createConditionsStep };
