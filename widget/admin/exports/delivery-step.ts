import { ApiError } from '../api-client.js';
import { el, replaceChildren } from '../dom-builder.js';
import { createField } from '../form-field.js';
import { errorMessage } from '../status-messages.js';
import { debounce, type BuilderContext, type BuilderStep, type StepSpec } from './builder-context.js';
import { createDestinationForm } from './destination-form.js';
import { createFormatOptions } from './format-options-form.js';
import { FORMATS, LOCALES } from './export-labels.js';
import type { ExportLocale } from '../export-api-types.js';
import { sourceOf } from './export-draft.js';

const PLACEHOLDER_HINT = 'Placeholders: {export} (export name), {flow} (flow name), {date} or {date:YYYY-MM-DD}, {time}, {run} (run number), {ext}. The extension is added when missing.';

/**
 * Step 5, Format and destination: CSV, XML, JSON or TXT with its options; the file-name pattern
 * with a live example of the name a run would get now; the language of locale-aware filters; a
 * manifest beside the file or not; the destination with "Test connection".
 */
function createDeliveryStep(ctx: BuilderContext): BuilderStep {
  const { draft } = ctx;
  const format = createField({
    label: 'File format',
    control: el('select', { className: 'input' }, FORMATS.map((f) => el('option', { attrs: { value: f.type, selected: f.type === draft.format.type }, text: f.title }))),
  });
  const optionsSlot = el('div');
  let options = createFormatOptions(draft.format, () => onFormatChange());
  const pattern = createField({ label: 'File name pattern', hint: PLACEHOLDER_HINT, control: el('input', { className: 'input mono', attrs: { type: 'text', maxlength: 200, value: draft.fileNamePattern, spellcheck: 'false', autocapitalize: 'off' } }) });
  const example = el('output', { className: 'mono', attrs: { 'aria-live': 'polite' } });
  let generation = 0;

  const showExample = debounce(async () => {
    generation += 1;
    const mine = generation;
    pattern.clearError();
    try {
      const name = await ctx.api.fileNameExample({ name: draft.name.trim() || 'export', source: sourceOf(draft), format: draft.format, fileNamePattern: draft.fileNamePattern, encrypted: draft.publicKey.trim() !== '' });
      if (mine === generation) example.textContent = name;
    } catch (failure) {
      if (mine !== generation) return;
      example.textContent = '—';
      if (failure instanceof ApiError && failure.path?.startsWith('/format')) options.showError(failure.path.split('/')[2] ?? '', errorMessage(failure));
      else pattern.showError(errorMessage(failure));
    }
  }, 250);
  function onFormatChange(): void {
    ctx.changed();
    showExample();
  }
  format.control.addEventListener('change', () => {
    draft.format = { type: format.control.value };
    options = createFormatOptions(draft.format, () => onFormatChange());
    replaceChildren(optionsSlot, [options.element]);
    onFormatChange();
  });
  pattern.control.addEventListener('input', () => {
    draft.fileNamePattern = pattern.control.value;
    ctx.changed();
    showExample();
  });
  replaceChildren(optionsSlot, [options.element]);
  showExample();
  const locale = createField({
    label: 'Language of filtered values',
    hint: 'The language the civility and country-name filters write in.',
    control: el('select', { className: 'input' }, LOCALES.map((l) => el('option', { attrs: { value: l.id, selected: l.id === (draft.locale ?? 'fr') }, text: l.title }))),
  });
  locale.control.addEventListener('change', () => {
    draft.locale = locale.control.value as ExportLocale;
    ctx.changed();
  });
  const manifest = createField({
    label: 'Deliver a manifest beside the file',
    hint: 'A file named like the export plus .manifest.json, written after it: rows, bytes, SHA-256, run number and definition version, so the receiving system can check what it got.',
    control: el('input', { className: 'input', attrs: { type: 'checkbox', checked: draft.manifest } }),
  });
  manifest.control.addEventListener('change', () => {
    draft.manifest = (manifest.control as HTMLInputElement).checked;
  });
  const destination = createDestinationForm(ctx);

  return {
    element: el('div', { className: 'export-step' }, [
      el('fieldset', {}, [el('legend', { text: 'File' }), format.element, optionsSlot, pattern.element, el('p', { className: 'hint' }, ['Example file name: ', example]), locale.element, manifest.element]),
      destination.element,
    ]),
    showError(path, message) {
      if (path.startsWith('/fileNamePattern')) pattern.showError(message);
      else if (path.startsWith('/locale')) locale.showError(message);
      else if (path.startsWith('/manifest')) manifest.showError(message);
      else if (path.startsWith('/format')) {
        if (!options.showError(path.split('/')[2] ?? '', message)) format.showError(message);
      } else return destination.showError(path, message);
      return true;
    },
  };
}

export const DELIVERY_STEP: StepSpec = { key: 'delivery', title: 'Format and destination', paths: [/^\/(format|fileNamePattern|locale|manifest|destination)(\/|$)/], create: createDeliveryStep };
