import { el, replaceChildren } from '../dom-builder.js';
import { objectForm, type SchemaForm } from '../flows/schema-form.js';
import { createField } from '../form-field.js';
import { errorMessage } from '../status-messages.js';
import type { BuilderContext } from './builder-context.js';
import { WRITES } from '../write-actions.js';

/**
 * Where the file goes: the destination kind, then its settings as a form generated from the
 * kind's schema (credentials are write-only: shown as set or not set, never filled in), and
 * "Test connection", which really connects and shows what went wrong (a wrong SFTP host key,
 * refused credentials, a missing directory, …).
 */
export function createDestinationForm(ctx: BuilderContext): { element: HTMLElement; showError(path: string, message: string): boolean } {
  const { draft } = ctx;
  const kinds = ctx.options.destinations;
  const kind = createField({
    label: 'Destination',
    control: el('select', { className: 'input' }, [
      el('option', { attrs: { value: '', selected: !draft.destination }, text: 'None yet (preview only)' }),
      ...kinds.map((k) => el('option', { attrs: { value: k.kind, selected: draft.destination?.kind === k.kind }, text: k.title })),
    ]),
  });
  const settings = el('div', { className: 'destination-settings' });
  const result = el('p', { className: 'test-result', attrs: { role: 'status' } });
  const test = el('button', { className: 'button', attrs: { type: 'button', ...WRITES }, text: 'Test connection' });
  let form: SchemaForm | undefined;

  const read = () => {
    draft.destination = form ? { kind: kind.control.value, ...form.read() } : undefined;
  };
  const render = () => {
    const chosen = kinds.find((k) => k.kind === kind.control.value);
    const current = draft.destination?.kind === chosen?.kind ? draft.destination : undefined;
    form = chosen
      ? objectForm(chosen.schema, current, { timeZone: ctx.timeZone, stepTargets: () => [], labelPrefix: '', secretsSet: chosen.kind === draft.savedKind ? draft.secretsSet : new Set() })
      : undefined;
    form?.element.addEventListener('input', () => {
      read();
      ctx.changed();
    });
    form?.element.addEventListener('change', read);
    replaceChildren(settings, [form?.element]);
    test.hidden = !form;
    result.textContent = '';
    read();
  };
  kind.control.addEventListener('change', () => {
    render();
    ctx.changed();
  });
  test.addEventListener('click', async () => {
    read();
    if (!draft.destination) return;
    test.disabled = true;
    result.className = 'test-result';
    result.textContent = 'Connecting…';
    try {
      const check = await ctx.api.testDestination(draft.destination, ctx.exportId());
      result.className = `test-result ${check.ok ? 'ok' : 'error'}`;
      result.textContent = check.ok ? 'Connection works: the destination accepted a test file (removed again).' : `Connection failed: ${check.error ?? 'unknown reason'}`;
    } catch (failure) {
      result.className = 'test-result error';
      result.textContent = `Connection not tried: ${errorMessage(failure)}`;
    } finally {
      test.disabled = false;
    }
  });
  render();
  return {
    element: el('fieldset', {}, [el('legend', { text: 'Destination' }), kind.element, settings, el('div', { className: 'actions' }, [test]), result]),
    showError(path, message) {
      if (!path.startsWith('/destination')) return false;
      const rest = path.slice('/destination'.length);
      if (rest === '' || rest === '/kind' || !form?.showError(rest, message)) kind.showError(message);
      return true;
    },
  };
}
