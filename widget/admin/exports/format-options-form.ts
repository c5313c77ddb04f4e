import { el, replaceChildren } from '../dom-builder.js';
import { createField, type FormField } from '../form-field.js';

type Format = Record<string, unknown> & { type: string };

/** One option of a format: its control and, for some, when it applies. */
interface OptionSpec {
  readonly key: string;
  readonly label: string;
  readonly hint?: string;
  readonly choices?: ReadonlyArray<readonly [string, string]>;
  /** A checkbox, with its default. */
  readonly checkbox?: boolean;
  /** A text box, with its placeholder (the default). */
  readonly placeholder?: string;
  readonly when?: (format: Format) => boolean;
}

const DELIMITERS = [[',', 'Comma (,)'], [';', 'Semicolon (;)'], ['\t', 'Tab'], ['|', 'Pipe (|)']] as const;
const LINE_ENDINGS = [['\r\n', 'Windows (CR LF)'], ['\n', 'Unix (LF)']] as const;
const GUARD: OptionSpec = { key: 'formulaGuard', label: 'Guard against spreadsheet formulas', hint: "Cells starting with = + - @ get a leading ' so spreadsheets show them as text.", checkbox: true };

/** The options of each format, as the API's format options name them. */
const OPTIONS: Readonly<Record<string, readonly OptionSpec[]>> = {
  csv: [
    { key: 'delimiter', label: 'Delimiter', choices: DELIMITERS },
    { key: 'quote', label: 'Quote character', choices: [['"', 'Double quote (")'], ["'", "Single quote (')"]] },
    { key: 'header', label: 'Header line with the column names', checkbox: true },
    { key: 'lineEnding', label: 'Line ending', choices: LINE_ENDINGS },
    { key: 'bom', label: 'Start with a byte order mark (helps Excel)', checkbox: true },
    GUARD,
  ],
  xml: [
    { key: 'rootElement', label: 'Root element', placeholder: 'rows' },
    { key: 'rowElement', label: 'Row element', placeholder: 'row' },
  ],
  json: [{ key: 'layout', label: 'Layout', choices: [['array', 'One array of objects'], ['ndjson', 'One object per line (NDJSON)']] }],
  txt: [
    { key: 'layout', label: 'Layout', choices: [['delimited', 'Delimited'], ['fixed', 'Fixed widths (each column as wide as its maximum, else minimum, size)']] },
    { key: 'delimiter', label: 'Delimiter', choices: DELIMITERS, when: (format) => format.layout !== 'fixed' },
    { key: 'header', label: 'Header line with the column names', checkbox: true },
    { key: 'lineEnding', label: 'Line ending', choices: [...LINE_ENDINGS].reverse() },
    GUARD,
  ],
};

const CHECKBOX_DEFAULTS: Readonly<Record<string, (format: Format) => boolean>> = {
  header: (format) => format.type !== 'txt' || format.layout !== 'fixed',
  bom: () => false,
  formulaGuard: () => true,
};

/**
 * The options of the chosen file format (delimiter, quote, header, line ending, byte order mark,
 * formula guard for CSV; element names for XML; layout for JSON and TXT), written into `format`
 * as they change. `onChange` follows every change.
 */
export function createFormatOptions(format: Format, onChange: () => void): { element: HTMLElement; showError(key: string, message: string): boolean } {
  const element = el('div', { className: 'format-options' });
  let controls = new Map<string, FormField>();

  function control(spec: OptionSpec): FormField {
    const current = format[spec.key];
    if (spec.checkbox) {
      const checked = typeof current === 'boolean' ? current : (CHECKBOX_DEFAULTS[spec.key]?.(format) ?? false);
      return createField({ label: spec.label, hint: spec.hint, control: el('input', { attrs: { type: 'checkbox', checked } }) });
    }
    if (spec.choices) {
      const chosen = typeof current === 'string' ? current : spec.choices[0]![0];
      return createField({ label: spec.label, hint: spec.hint, control: el('select', { className: 'input' }, spec.choices.map(([value, text]) => el('option', { attrs: { value, selected: value === chosen }, text }))) });
    }
    return createField({ label: spec.label, hint: spec.hint, control: el('input', { className: 'input', attrs: { type: 'text', placeholder: spec.placeholder, value: typeof current === 'string' ? current : undefined, spellcheck: 'false' } }) });
  }

  function read(): void {
    for (const key of Object.keys(format)) if (key !== 'type') delete format[key];
    for (const spec of OPTIONS[format.type] ?? []) {
      const field = controls.get(spec.key);
      if (!field || (spec.when && !spec.when(format))) continue;
      const input = field.control;
      if (spec.checkbox) format[spec.key] = (input as HTMLInputElement).checked;
      else if (input.value !== '') format[spec.key] = input.value;
    }
  }

  function render(): void {
    controls = new Map();
    const fields = (OPTIONS[format.type] ?? []).filter((spec) => !spec.when || spec.when(format)).map((spec) => {
      const field = control(spec);
      controls.set(spec.key, field);
      field.control.addEventListener('change', () => {
        read();
        if (spec.key === 'layout') render();
        onChange();
      });
      field.control.addEventListener('input', () => {
        read();
        onChange();
      });
      return field.element;
    });
    replaceChildren(element, fields);
    read();
  }

  render();
  return {
    element,
    showError(key, message) {
      const field = controls.get(key);
      field?.showError(message);
      return field !== undefined;
    },
  };
}
