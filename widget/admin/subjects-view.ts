import { ApiError } from './api-client.js';
import type { StoreRow } from './api-types.js';
import { confirmAction } from './confirm-dialog.js';
import type { ConsoleContext } from './console-context.js';
import { el, replaceChildren } from './dom-builder.js';
import { createField } from './form-field.js';
import { renderRowsTable } from './rows-table.js';
import { saveRowFile } from './row-file.js';
import { errorMessage } from './status-messages.js';
import { inDisplayOrder, tableLabel } from './table-labels.js';
import { withdrawalPageCard } from './withdrawal-page-card.js';
import { WRITES } from './write-actions.js';

const rowsText = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'row' : 'rows'}`;

/** What an erasure or anonymization counts besides the store tables. */
const COUNTED_LABELS: Readonly<Record<string, string>> = { sessions: 'Chat sessions' };

/** The rows found, one table per store table, in the Data tab's order; a file can be downloaded (a copy for the person who asked). */
function foundRows(rows: readonly StoreRow[], timeZone: string, onDownload: (row: StoreRow) => void): HTMLElement[] {
  const tables = inDisplayOrder([...new Set(rows.map((r) => r.table))].map((name) => ({ name })));
  return tables.map(({ name }) => {
    const mine = rows.filter((r) => r.table === name);
    return el('section', { className: 'subject-table', attrs: { 'aria-label': `${tableLabel(name)} about this address` } }, [
      el('h4', { text: `${tableLabel(name)} · ${rowsText(mine.length)}` }),
      el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': `${tableLabel(name)} rows about this address`, tabindex: 0 } }, [
        renderRowsTable(mine, { caption: `${tableLabel(name)} about this address`, timeZone, ...(name === 'files' && { onDownload }) }),
      ]),
    ]);
  });
}

/** A consent row that still stands: opted in and not withdrawn. */
function standingConsent(row: StoreRow): boolean {
  return row.table === 'consents' && Number(row.data.is_optin ?? 0) > 0 && row.data.withdrawn_at === undefined;
}

/** What an erasure or anonymization did, per table (tables it left alone left out), as a list named `name`. */
function countedList(counts: Readonly<Record<string, number>>, name: string, nothing: string): HTMLElement {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (entries.length === 0) return el('p', { text: nothing });
  return el('ul', { className: 'erased', attrs: { 'aria-label': name } }, entries.map(([table, n]) =>
    el('li', { text: `${COUNTED_LABELS[table] ?? tableLabel(table)}: ${table === 'sessions' ? n.toLocaleString('en') : rowsText(n)}` })));
}

/** The rows a request acted on, chat sessions left out. */
const rowsActedOn = (counts: Readonly<Record<string, number>>): number => Object.entries(counts).filter(([name]) => name !== 'sessions').reduce((sum, [, n]) => sum + n, 0);

/**
 * The Data subjects section: find everything stored about one email (sent in a POST body,
 * never in a URL), see it table by table, withdraw the consents it gave, and anonymize or erase it
 * all behind a confirmation; then what was done, per table. The address is not kept on screen
 * once anonymized or erased.
 */
export function showSubjectsView(panel: HTMLElement, ctx: ConsoleContext): void {
  const email = createField({
    label: 'Email address',
    hint: 'Finds every row stored about this address, in every table (a data-subject request: access, erasure or anonymization).',
    control: el('input', { className: 'input', attrs: { type: 'email', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off' } }),
  });
  const find = el('button', { className: 'button primary', attrs: { type: 'submit' }, text: 'Find' });
  const form = el('form', { className: 'card subject-form', attrs: { role: 'search', 'aria-label': 'Find a data subject', novalidate: true } }, [email.element, el('div', { className: 'toolbar' }, [find])]);
  const error = el('p', { className: 'error', attrs: { role: 'alert' } });
  const results = el('div', { className: 'subject-results' });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void lookUp();
  });
  replaceChildren(panel, [
    el('div', { className: 'view-head' }, [el('div', {}, [el('h2', { text: 'Data subjects' }), el('p', { className: 'muted', text: 'Answer a request about one person: see what is stored about their email address, withdraw the consents it gave, anonymize it, or erase it everywhere.' })])]),
    form,
    error,
    results,
    withdrawalPageCard(ctx),
  ]);

  async function lookUp(): Promise<void> {
    error.textContent = '';
    email.clearError();
    const address = email.control.value.trim();
    if (!address) {
      email.showError('Enter an email address.');
      email.control.focus();
      return;
    }
    find.disabled = true;
    try {
      const rows = await ctx.api.lookupSubject(address);
      showFound(address, rows);
    } catch (failure) {
      if (failure instanceof ApiError && failure.path === '/email') email.showError(errorMessage(failure));
      else error.textContent = errorMessage(failure);
      replaceChildren(results, []);
    } finally {
      find.disabled = false;
    }
  }

  function showFound(address: string, rows: readonly StoreRow[]): void {
    const heading = el('h3', { attrs: { tabindex: -1 }, text: 'What is stored about this address' });
    if (rows.length === 0) {
      replaceChildren(results, [heading, el('p', { className: 'empty', text: 'Nothing is stored about this address.' })]);
      heading.focus();
      return;
    }
    const tables = new Set(rows.map((r) => r.table)).size;
    const summary = `${rowsText(rows.length)} in ${tables} ${tables === 1 ? 'table' : 'tables'}`;
    const erase = el('button', { className: 'button danger', attrs: { type: 'button', ...WRITES }, text: 'Erase everything about this address', on: { click: () => void eraseAll(address, summary) } });
    const anonymize = el('button', { className: 'button danger', attrs: { type: 'button', ...WRITES }, text: 'Anonymize this address', on: { click: () => void anonymizeAll(address, summary) } });
    const standing = rows.filter(standingConsent).length;
    const withdraw = standing === 0 ? null : el('button', { className: 'button', attrs: { type: 'button', ...WRITES }, text: 'Withdraw consents', on: { click: () => void withdrawAll(address, standing) } });
    replaceChildren(results, [
      el('div', { className: 'view-head' }, [el('div', {}, [heading, el('p', { className: 'muted', text: summary })]), el('div', { className: 'toolbar' }, [withdraw, anonymize, erase])]),
      ...foundRows(rows, ctx.workspace().timeZone, (row) => {
        error.textContent = '';
        void saveRowFile(ctx.api, row).catch((failure: unknown) => (error.textContent = errorMessage(failure)));
      }),
    ]);
    heading.focus();
  }

  async function withdrawAll(address: string, standing: number): Promise<void> {
    const consents = `${standing.toLocaleString('en')} ${standing === 1 ? 'consent' : 'consents'}`;
    const ok = await confirmAction({
      title: 'Withdraw this address’s consents?',
      message: `${consents} given with this address will read as withdrawn from now on, in every view and export, and partner systems will hear it. The proof of the consent is kept.`,
      confirmLabel: 'Withdraw consents',
    });
    if (!ok) return;
    error.textContent = '';
    try {
      const withdrawn = await ctx.api.withdrawConsents(address);
      const rows = await ctx.api.lookupSubject(address);
      showFound(address, rows);
      ctx.announce(`Withdrew ${withdrawn.toLocaleString('en')} ${withdrawn === 1 ? 'consent' : 'consents'} given with the address.`);
    } catch (failure) {
      error.textContent = errorMessage(failure);
    }
  }

  async function eraseAll(address: string, summary: string): Promise<void> {
    const ok = await confirmAction({
      title: 'Erase everything about this address?',
      message: `${summary} and the chat sessions they came from will be erased for good: they disappear from every view, download and export. Webhook endpoints subscribed to subject.erased are told which rows went. This cannot be undone.`,
      confirmLabel: 'Erase everything',
    });
    if (!ok) return;
    error.textContent = '';
    try {
      const erased = await ctx.api.eraseSubject(address);
      const total = rowsActedOn(erased);
      showDone('Erased', `Everything stored about the address was erased: ${rowsText(total)}.`, countedList(erased, 'Erased per table', 'Nothing was left to erase.'));
      ctx.announce(`Erased ${rowsText(total)} about the address.`);
    } catch (failure) {
      error.textContent = errorMessage(failure);
    }
  }

  async function anonymizeAll(address: string, summary: string): Promise<void> {
    const ok = await confirmAction({
      title: 'Anonymize this address?',
      message:
        `${summary} will lose everything that identifies the person: the address, their answers, IP address and files. ` +
        'Their entries stay, counted in exports as anonymized; winners stay winners. Their consents are withdrawn and their chat sessions erased. ' +
        'Webhook endpoints subscribed to subject.anonymized are told which rows changed. This cannot be undone.',
      confirmLabel: 'Anonymize',
    });
    if (!ok) return;
    error.textContent = '';
    try {
      const { anonymized, consentsWithdrawn } = await ctx.api.anonymizeSubject(address);
      const total = rowsActedOn(anonymized);
      const withdrawn = consentsWithdrawn === 0 ? '' : ` ${consentsWithdrawn.toLocaleString('en')} ${consentsWithdrawn === 1 ? 'consent was' : 'consents were'} withdrawn.`;
      showDone('Anonymized', `Nothing stored identifies the address any more: ${rowsText(total)} anonymized.${withdrawn}`, countedList(anonymized, 'Anonymized per table', 'Nothing was left to anonymize.'));
      ctx.announce(`Anonymized ${rowsText(total)} about the address.`);
    } catch (failure) {
      error.textContent = errorMessage(failure);
    }
  }

  /** What a request did, in place of the rows found; the address is cleared from the search. */
  function showDone(title: string, text: string, list: HTMLElement): void {
    email.control.value = '';
    const heading = el('h3', { attrs: { tabindex: -1 }, text: title });
    replaceChildren(results, [heading, el('p', { text }), list]);
    heading.focus();
  }
}
