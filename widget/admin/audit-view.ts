import type { AuditEntry, AuditQuery } from './api-types.js';
import { auditActionLabel, auditActor, auditCounts, auditTarget, type FlowNames } from './audit-labels.js';
import type { ConsoleContext } from './console-context.js';
import { el, replaceChildren, uniqueId } from './dom-builder.js';
import { createField } from './form-field.js';
import { currentCursor, FIRST_PAGE, pageNumber, type PagerState } from './keyset-pager.js';
import { createPagerControls } from './pager-controls.js';
import { errorMessage } from './status-messages.js';
import { dayStartIso, formatInstant } from './time-format.js';

const PAGE_SIZE = 25;

type Filters = Omit<AuditQuery, 'limit' | 'before'>;

/** One page of entries: when, who, what, on what, counts. Never personal data: the API holds none. */
function entriesTable(entries: readonly AuditEntry[], caption: string, timeZone: string, flows: FlowNames | undefined): HTMLTableElement {
  const head = el('thead', {}, [el('tr', {}, ['When', 'Who', 'Action', 'On', 'Counts'].map((name) => el('th', { attrs: { scope: 'col' }, text: name })))]);
  const body = el('tbody', {}, entries.map((entry) => el('tr', { attrs: { 'data-audit-id': entry.id } }, [
    el('td', { className: 'nowrap' }, [el('time', { attrs: { datetime: entry.at }, text: formatInstant(entry.at, timeZone) })]),
    el('td', { text: auditActor(entry) }),
    el('th', { attrs: { scope: 'row' }, text: auditActionLabel(entry.action) }),
    el('td', { className: 'mono', text: auditTarget(entry, flows) }),
    el('td', { text: auditCounts(entry) }),
  ])));
  return el('table', { className: 'rows read-only' }, [el('caption', { className: 'sr-only', text: caption }), head, body]);
}

/**
 * The Audit section: who (which API key) did what and when, newest first, filtered by action
 * and by a range of days in the workspace's time zone, with Previous/Next keyset paging.
 */
export async function showAuditView(panel: HTMLElement, ctx: ConsoleContext): Promise<void> {
  let filters: Filters = {};
  let generation = 0;

  const action = createField({ label: 'Action', control: el('select', { className: 'input' }, [el('option', { attrs: { value: '' }, text: 'All actions' })]) });
  const from = createField({ label: 'From', control: el('input', { className: 'input', attrs: { type: 'date' } }) });
  const to = createField({ label: 'To', control: el('input', { className: 'input', attrs: { type: 'date' } }) });
  const daysHint = el('p', { className: 'hint wide', attrs: { id: uniqueId('hint') }, text: `From and To are days in the workspace time zone (${ctx.workspace().timeZone}), both included.` });
  for (const field of [from, to]) field.control.setAttribute('aria-describedby', `${daysHint.id} ${field.control.getAttribute('aria-describedby')}`);
  const apply = el('button', { className: 'button primary', attrs: { type: 'submit' }, text: 'Apply filters' });
  const clear = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Clear filters', on: { click: () => reset() } });
  const form = el('form', { className: 'filters', attrs: { role: 'search', 'aria-label': 'Audit filters', novalidate: true } }, [action.element, from.element, to.element, el('div', { className: 'toolbar' }, [apply, clear]), daysHint]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = readFilters();
    if (chosen) {
      filters = chosen;
      void go(FIRST_PAGE);
    }
  });

  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const region = el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Audit entries', tabindex: 0 } });
  const pager = createPagerControls('Audit pages', (state) => void go(state));
  replaceChildren(panel, [
    el('div', { className: 'view-head' }, [el('div', {}, [el('h2', { text: 'Audit' }), el('p', { className: 'muted', text: 'Who did what, and when. Data subjects appear as a reference, never by their email.' })])]),
    form,
    error,
    region,
    pager.element,
  ]);

  // Entries name a flow's rows by the flow's database id: shown by its name (undefined: as recorded).
  const flowNames = ctx.api.flows().then((flows): FlowNames => new Map(flows.map((flow) => [flow.uuid, flow.name])), () => undefined);
  try {
    const actions = await ctx.api.auditActions();
    for (const name of actions) action.control.appendChild(el('option', { attrs: { value: name }, text: auditActionLabel(name) }));
  } catch (failure) {
    error.textContent = errorMessage(failure);
  }
  const flows = await flowNames;
  await go(FIRST_PAGE);

  /** The filters in the form, or undefined (with the error shown) when the range is backwards. */
  function readFilters(): Filters | undefined {
    const zone = ctx.workspace().timeZone;
    to.clearError();
    const start = from.control.value ? dayStartIso(from.control.value, zone) : undefined;
    const end = to.control.value ? dayStartIso(to.control.value, zone, { after: true }) : undefined;
    if (start && end && start >= end) {
      to.showError('To must be the same day as From or later.');
      to.control.focus();
      return undefined;
    }
    return { ...(action.control.value && { action: action.control.value }), ...(start && { from: start }), ...(end && { to: end }) };
  }

  function reset(): void {
    for (const field of [action, from, to]) field.control.value = '';
    to.clearError();
    filters = {};
    void go(FIRST_PAGE);
  }

  async function go(state: PagerState): Promise<void> {
    const mine = ++generation;
    error.textContent = '';
    try {
      const page = await ctx.api.audit({ limit: PAGE_SIZE, before: currentCursor(state), ...filters });
      if (mine !== generation) return;
      pager.shown(state, page.next);
      const filtered = Object.keys(filters).length > 0;
      replaceChildren(region, [
        page.entries.length === 0
          ? el('p', { className: 'empty', text: filtered ? 'No audit entries match these filters.' : 'Nothing audited yet.' })
          : entriesTable(page.entries, `Audit entries, page ${pageNumber(state)}`, ctx.workspace().timeZone, flows),
      ]);
    } catch (failure) {
      if (mine === generation) error.textContent = errorMessage(failure);
    }
  }
}
