import type { JsonSchema } from '../api-types.js';
import { checkboxGroup } from '../checkbox-group.js';
import { el } from '../dom-builder.js';
import { createField, type FormField } from '../form-field.js';
import { isoToLocalInput, localInputToIso } from '../time-format.js';
import { createStepPicker } from './step-picker.js';

/** What a generated form needs beyond its schema. */
export interface SchemaFormOptions {
  /** Dates are typed and shown in this zone (the workspace's). */
  readonly timeZone: string;
  /** Steps a `Go to step` field may point at. */
  stepTargets(): ReadonlyArray<{ readonly id: string; readonly label: string }>;
  /** Prefixed to every label, so fields of several steps keep distinct accessible names. */
  readonly labelPrefix: string;
  /** Write-only properties (credentials) that have a stored value: shown as set, never filled in. */
  readonly secretsSet?: ReadonlySet<string>;
}

/** A control (or group) bound to one value of the config. */
interface ValueField {
  readonly element: HTMLElement;
  /** The value typed, or undefined when the field is left empty (the default applies). */
  read(): unknown;
  /** Shows `message` at the field `path` (relative to this field) names; false when none does. */
  showError(path: string, message: string): boolean;
  clearErrors(): void;
}

/** A generated form for an object: `read()` gives the object as the schema describes it. */
export interface SchemaForm extends ValueField {
  read(): Record<string, unknown>;
}

const isType = (schema: JsonSchema, type: string) => schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));

function singular(title: string): string {
  const lower = title.toLowerCase();
  return lower.endsWith('s') ? lower.slice(0, -1) : lower;
}

function plainField(field: FormField, read: () => unknown): ValueField {
  return {
    element: field.element,
    read,
    showError(path, message) {
      if (path !== '') return false;
      field.showError(message);
      return true;
    },
    clearErrors: () => field.clearError(),
  };
}

function defaultHint(schema: JsonSchema): string | undefined {
  const parts = [schema.description, schema.default !== undefined && typeof schema.default !== 'boolean' ? `Default: ${String(schema.default)}` : undefined];
  const hint = parts.filter(Boolean).join(' ');
  return hint || undefined;
}

function scalarField(name: string, schema: JsonSchema, value: unknown, required: boolean, options: SchemaFormOptions): ValueField {
  const label = `${options.labelPrefix}${schema.title ?? name}${required ? '' : ' (optional)'}`;
  const hint = defaultHint(schema);
  if (isType(schema, 'boolean')) {
    const control = el('input', { className: 'input', attrs: { type: 'checkbox', checked: (value ?? schema.default) === true } });
    return plainField(createField({ label, control, hint: schema.description }), () => control.checked);
  }
  const choices = fixedChoices(schema);
  if (choices) {
    const control = el('select', { className: 'input' }, [
      ...(required ? [] : [el('option', { attrs: { value: '' }, text: schema.default !== undefined ? `Default (${String(schema.default)})` : '—' })]),
      ...choices.map((choice) => el('option', { attrs: { value: String(choice.value), selected: value === choice.value }, text: choice.label })),
    ]);
    return plainField(createField({ label, control, hint: schema.description }), () => (control.value === '' ? undefined : control.value));
  }
  if (schema.writeOnly) return secretField(name, schema, label, options);
  // A step to go to: `next` (a choice's option) or a named branch such as a loyalty card's `completedNext`.
  if (name === 'next' || name.endsWith('Next')) {
    const picker = createStepPicker({ initial: typeof value === 'string' ? value : '', fixed: [{ value: '', text: 'The step after this one' }], targets: options.stepTargets });
    return plainField(createField({ label, control: picker.control, hint: schema.description }), () => (picker.value() === '' ? undefined : picker.value()));
  }
  if (isType(schema, 'integer') || isType(schema, 'number')) {
    const control = el('input', { className: 'input', attrs: { type: 'number', step: isType(schema, 'integer') ? 1 : 'any', min: schema.minimum, max: schema.maximum, value: typeof value === 'number' ? value : undefined, placeholder: schema.default !== undefined ? String(schema.default) : undefined } });
    return plainField(createField({ label, control, hint }), () => (control.value.trim() === '' ? undefined : Number(control.value)));
  }
  if (schema.format === 'date-time') {
    const control = el('input', { className: 'input', attrs: { type: 'datetime-local', value: isoToLocalInput(typeof value === 'string' ? value : null, options.timeZone) } });
    return plainField(createField({ label, control, hint: `${schema.description ?? ''} In ${options.timeZone}.`.trim() }), () => localInputToIso(control.value, options.timeZone));
  }
  const long = (schema.maxLength ?? 0) >= 1000;
  const attrs = { maxlength: schema.maxLength, placeholder: typeof schema.default === 'string' ? schema.default : undefined, spellcheck: name.toLowerCase().includes('variable') ? 'false' : undefined };
  const control = long
    ? el('textarea', { className: 'input', attrs: { ...attrs, rows: 3 }, text: typeof value === 'string' ? value : '' })
    : el('input', { className: 'input', attrs: { ...attrs, type: schema.format === 'uri' ? 'url' : 'text', value: typeof value === 'string' ? value : undefined } });
  return plainField(createField({ label, control, hint: schema.description }), () => (control.value === '' ? undefined : control.value));
}

/**
 * A credential: a password box (a text area for long ones such as keys) that is never filled in;
 * its hint says whether a value is stored, and leaving it empty keeps that value.
 */
function secretField(name: string, schema: JsonSchema, label: string, options: SchemaFormOptions): ValueField {
  const set = options.secretsSet?.has(name) ?? false;
  const attrs = { maxlength: schema.maxLength, autocomplete: 'off', spellcheck: 'false' };
  const control = (schema.maxLength ?? 0) >= 1000
    ? el('textarea', { className: 'input mono', attrs: { ...attrs, rows: 3 } })
    : el('input', { className: 'input', attrs: { ...attrs, type: 'password', autocomplete: 'new-password' } });
  const state = set ? 'Set: leave empty to keep it.' : 'Not set.';
  return plainField(createField({ label, control, hint: [state, schema.description].filter(Boolean).join(' ') }), () => (control.value === '' ? undefined : control.value));
}

function arrayField(name: string, schema: JsonSchema, value: unknown, options: SchemaFormOptions): ValueField {
  const itemSchema = schema.items ?? {};
  const title = schema.title ?? name;
  const noun = singular(title);
  const list = el('ol', { className: 'schema-list' });
  const items: Array<{ form: SchemaForm; element: HTMLElement; remove: HTMLButtonElement }> = [];
  const error = el('p', { className: 'field-error', attrs: { hidden: true, role: 'alert' } });
  const add = el('button', { className: 'button', attrs: { type: 'button' }, text: `Add ${noun}`, on: { click: () => addItem(undefined) } });
  // An item's labels, legend and Remove button name its place ("answer 2 Button label").
  const build = (index: number, itemValue: unknown) => {
    const form = objectForm(itemSchema, itemValue, { ...options, labelPrefix: `${options.labelPrefix}${noun} ${index + 1} ` });
    const remove = el('button', { className: 'button danger', attrs: { type: 'button', 'aria-label': `Remove ${noun} ${index + 1}` }, text: 'Remove' });
    const element = el('li', {}, [el('fieldset', { className: 'schema-item' }, [el('legend', { text: `${title}: ${noun} ${index + 1}` }), form.element, el('div', { className: 'actions' }, [remove])])]);
    const entry = { form, element, remove };
    remove.addEventListener('click', () => removeAt(items.indexOf(entry)));
    return entry;
  };
  const addItem = (itemValue: unknown) => {
    const entry = build(items.length, itemValue);
    items.push(entry);
    list.appendChild(entry.element);
  };
  const removeAt = (index: number) => {
    items[index]!.element.remove();
    items.splice(index, 1);
    // The items after it move up a place: rebuilt with what they hold, so no two controls share a name.
    for (let i = index; i < items.length; i += 1) {
      const moved = build(i, items[i]!.form.read());
      items[i]!.element.replaceWith(moved.element);
      items[i] = moved;
    }
    (items[index]?.remove ?? add).focus();
  };
  for (const itemValue of Array.isArray(value) ? value : []) addItem(itemValue);
  if (items.length === 0 && (schema.minItems ?? 0) > 0) addItem(undefined);
  const element = el('fieldset', { className: 'schema-array' }, [el('legend', { text: `${options.labelPrefix}${title}` }), schema.description ? el('p', { className: 'hint', text: schema.description }) : null, list, error, add]);
  return {
    element,
    read: () => (items.length === 0 ? undefined : items.map((item) => item.form.read())),
    showError(path, message) {
      const match = /^\/(\d+)(\/.*)?$/.exec(path);
      const item = match ? items[Number(match[1])] : undefined;
      if (item && item.form.showError(match![2] ?? '', message)) return true;
      error.textContent = message;
      error.hidden = false;
      return true;
    },
    clearErrors() {
      error.hidden = true;
      for (const item of items) item.form.clearErrors();
    },
  };
}

/**
 * The values of a fixed set with what each is called: an `enum` (named as they are), or a
 * `oneOf` of `{ const, title }` (a file type's MIME type, named "PNG"); undefined for anything else.
 */
function fixedChoices(schema: JsonSchema | undefined): Array<{ value: unknown; label: string }> | undefined {
  if (schema?.enum) return schema.enum.map((value) => ({ value, label: String(value) }));
  if (schema?.oneOf?.length && schema.oneOf.every((option) => 'const' in option)) return schema.oneOf.map((option) => ({ value: option.const, label: option.title ?? String(option.const) }));
  return undefined;
}

/**
 * A list of distinct values from a fixed set (a share step's networks): one checkbox per value,
 * read in the set's order, left out (undefined) when none is checked.
 */
function choicesField(name: string, schema: JsonSchema, value: unknown, options: SchemaFormOptions): ValueField {
  const choices = fixedChoices(schema.items) ?? [];
  const allowed = choices.map((choice) => choice.value);
  const group = checkboxGroup({
    legend: `${options.labelPrefix}${schema.title ?? name}`,
    hint: schema.description,
    choices: choices.map((choice) => ({ value: String(choice.value), label: choice.label })),
    ticked: new Set(Array.isArray(value) ? value.map(String) : []),
    className: 'schema-choices',
  });
  return {
    element: group.element,
    read: () => {
      // Each ticked box as the schema's own value (its text names it).
      const ticked = new Set(group.checked());
      const checked = allowed.filter((choice) => ticked.has(String(choice)));
      return checked.length === 0 ? undefined : checked;
    },
    showError(_path, message) {
      group.showError(message);
      return true;
    },
    clearErrors: () => group.clearError(),
  };
}

/**
 * An object inside a config (a giveaway's prize): its fields in a group titled by the schema,
 * left out (undefined) when every field is empty, so an optional object is not sent half-filled.
 */
function nestedObjectField(name: string, schema: JsonSchema, value: unknown, options: SchemaFormOptions): ValueField {
  const form = objectForm(schema, value, options);
  const element = el('fieldset', { className: 'schema-object' }, [
    el('legend', { text: `${options.labelPrefix}${schema.title ?? name}` }),
    schema.description ? el('p', { className: 'hint', text: schema.description }) : null,
    form.element,
  ]);
  return {
    element,
    read: () => {
      const read = form.read();
      return Object.keys(read).length === 0 ? undefined : read;
    },
    showError: (path, message) => form.showError(path, message),
    clearErrors: () => form.clearErrors(),
  };
}

/**
 * A form generated from an object schema: one labelled control per property (text, number,
 * checkbox, list of choices, date in the workspace zone, step picker for `next`), lists of
 * objects with Add/Remove, a checkbox per value for lists of values from a fixed set), each with
 * its title, description and default as a hint. `read()` leaves out what was left empty, so the
 * module's default applies.
 */
export function objectForm(schema: JsonSchema, value: unknown, options: SchemaFormOptions): SchemaForm {
  const current = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const required = new Set(schema.required ?? []);
  const fields = new Map<string, ValueField>();
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const field = isType(property, 'array')
      ? fixedChoices(property.items) ? choicesField(name, property, current[name], options) : arrayField(name, property, current[name], options)
      : isType(property, 'object')
        ? nestedObjectField(name, property, current[name], options)
        : scalarField(name, property, current[name], required.has(name), options);
    fields.set(name, field);
  }
  return {
    element: el('div', { className: 'schema-form' }, [...fields.values()].map((field) => field.element)),
    read() {
      const out: Record<string, unknown> = {};
      for (const [name, field] of fields) {
        const read = field.read();
        if (read !== undefined) out[name] = read;
      }
      return out;
    },
    showError(path, message) {
      const match = /^\/([^/]+)(\/.*)?$/.exec(path);
      const field = match ? fields.get(match[1]!) : undefined;
      return field ? field.showError(match![2] ?? '', message) : false;
    },
    clearErrors() {
      for (const field of fields.values()) field.clearErrors();
    },
  };
}
