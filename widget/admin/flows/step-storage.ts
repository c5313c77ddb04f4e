import type { ModuleInfo } from '../api-types.js';
import { el, uniqueId } from '../dom-builder.js';
import { tableLabel } from '../table-labels.js';
import { WRITES_SETTINGS } from '../write-actions.js';

/** Per-module retention the owner is editing: module id → table → days. */
export type RetentionEdits = Map<string, Map<string, number>>;

/** What the storage block of a step shares with the builder (one setting per module, not per step). */
export interface StorageHost {
  /** Whether the workspace stores data at all (Settings). */
  readonly storageEnabled: boolean;
  readonly retention: RetentionEdits;
  /** Modules whose "Store this module's data" switch is off. */
  readonly storageOff: Set<string>;
  /** A card changed its module's retention or switch: every card of that module shows it again. */
  storageChanged(moduleId: string): void;
}

/** The "what this step stores" block of a step card. */
export interface StorageBlock {
  readonly element: HTMLElement;
  /** Shows the builder's current days and switch for this module again. */
  refresh(): void;
}

function retentionDays(host: StorageHost, module: ModuleInfo, table: string, fallback: number): number {
  return host.retention.get(module.id)?.get(table) ?? fallback;
}

/** "Email addresses are kept 60 days in Variables", or what happens with storage off. */
function keptText(module: ModuleInfo, holds: string, table: string, days: number, host: StorageHost): string {
  if (!host.storageEnabled) return `${holds} are not stored: storage is off for this workspace.`;
  if (host.storageOff.has(module.id)) return `${holds} are not stored: this module's data is switched off.`;
  return `${holds} are kept ${days} day${days === 1 ? '' : 's'} in ${tableLabel(table)}.`;
}

/**
 * What a step stores: for every table its module writes, a sentence with the effective retention
 * and a days field (a per-module override), and the module's "Store this module's data" switch.
 * A module that needs storage warns when it is off (the server refuses the flow then).
 */
export function createStorageBlock(module: ModuleInfo, host: StorageHost): StorageBlock {
  if (module.tables.length === 0) return { element: el('p', { className: 'muted step-stores', text: 'Stores nothing.' }), refresh() {} };
  const rows = module.tables.map((entry) => {
    const id = uniqueId('retention');
    const sentence = el('p', { className: 'kept' });
    const input = el('input', { className: 'input days', attrs: { id, type: 'number', min: 1, max: 3650, step: 1, inputmode: 'numeric', value: retentionDays(host, module, entry.table, entry.retentionDays) } });
    input.addEventListener('input', () => {
      const days = Number(input.value);
      if (!Number.isInteger(days) || days < 1) return;
      const tables = host.retention.get(module.id) ?? new Map<string, number>();
      tables.set(entry.table, days);
      host.retention.set(module.id, tables);
      host.storageChanged(module.id);
    });
    const element = el('li', {}, [
      sentence,
      el('div', { attrs: { ...WRITES_SETTINGS } }, [
        el('label', { attrs: { for: id }, text: `${module.title}: days ${entry.holds.toLowerCase()} are kept in ${tableLabel(entry.table)}` }),
        el('div', { className: 'with-suffix' }, [input, el('span', { className: 'suffix', text: `days (module default ${entry.defaultRetentionDays})` })]),
      ]),
    ]);
    return { entry, input, sentence, element };
  });
  const switchId = uniqueId('store-module');
  const toggle = el('input', { attrs: { id: switchId, type: 'checkbox' } });
  toggle.addEventListener('change', () => {
    if (toggle.checked) host.storageOff.delete(module.id);
    else host.storageOff.add(module.id);
    host.storageChanged(module.id);
  });
  const switchField = el('div', { className: 'field check', attrs: { ...WRITES_SETTINGS } }, [toggle, el('label', { attrs: { for: switchId }, text: `Store this module's data (${module.title})` })]);
  const warning = el('p', { className: 'error', attrs: { hidden: true } });

  function refresh(): void {
    const off = !host.storageEnabled || host.storageOff.has(module.id);
    toggle.checked = !host.storageOff.has(module.id);
    toggle.disabled = !host.storageEnabled;
    for (const row of rows) {
      const days = retentionDays(host, module, row.entry.table, row.entry.retentionDays);
      if (row.input.value !== String(days) && document.activeElement !== row.input) row.input.value = String(days);
      row.input.disabled = off;
      row.sentence.textContent = keptText(module, row.entry.holds, row.entry.table, days, host);
    }
    warning.hidden = !(module.requiresStorage && off);
    warning.textContent = host.storageEnabled
      ? `${module.title} needs storage: switch "Store this module's data" on, or the flow cannot be saved.`
      : 'This module needs storage, which is off for this workspace: the flow cannot be saved with it.';
  }
  refresh();
  return {
    element: el('div', { className: 'step-stores' }, [el('p', { className: 'muted', text: 'What this step stores (for every step of this module):' }), el('ul', {}, rows.map((row) => row.element)), switchField, warning]),
    refresh,
  };
}
