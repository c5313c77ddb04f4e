import { el, replaceChildren, uniqueId, type Child } from './dom-builder.js';

/** One tab: its key, its visible label (text or nodes) and what to show when it is selected. */
export interface TabSpec {
  readonly key: string;
  readonly label: readonly Child[];
  /** Fills the tab's panel each time the tab is selected. */
  show(panel: HTMLElement): void;
}

/** A built tab list with its panels. */
export interface TabList {
  readonly element: HTMLElement;
  readonly selected: string;
  select(key: string): void;
  /** Changes a tab's label (e.g. a new row count) without re-rendering its panel. */
  relabel(key: string, label: readonly Child[]): void;
}

const NEXT_KEYS: Readonly<Record<string, number>> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/**
 * WAI-ARIA tabs: `role=tablist` named by `name`, `role=tab` buttons with `aria-selected` and a
 * roving tabindex (arrow keys, Home, End move and select), one `role=tabpanel` per tab.
 */
export function createTabList(name: string, tabs: readonly TabSpec[], options: { readonly className?: string } = {}): TabList {
  const list = el('div', { className: 'tablist', attrs: { role: 'tablist', 'aria-label': name } });
  const entries = tabs.map((spec) => {
    const tabId = uniqueId('tab');
    const panelId = uniqueId('panel');
    const tab = el('button', { className: 'tab', attrs: { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'aria-selected': 'false', tabindex: -1 } }, spec.label);
    const panel = el('section', { className: 'tabpanel', attrs: { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, tabindex: 0, hidden: true } });
    return { spec, tab, panel };
  });
  let selected = '';

  function select(key: string, focus = false): void {
    const target = entries.find((e) => e.spec.key === key) ?? entries[0];
    if (!target) return;
    selected = target.spec.key;
    for (const entry of entries) {
      const on = entry === target;
      entry.tab.setAttribute('aria-selected', String(on));
      entry.tab.tabIndex = on ? 0 : -1;
      entry.panel.hidden = !on;
      if (!on) replaceChildren(entry.panel, []);
    }
    if (focus) target.tab.focus();
    target.spec.show(target.panel);
  }

  entries.forEach((entry, index) => {
    entry.tab.addEventListener('click', () => select(entry.spec.key));
    entry.tab.addEventListener('keydown', (event) => {
      let to: number | undefined;
      if (event.key in NEXT_KEYS) to = (index + NEXT_KEYS[event.key]! + entries.length) % entries.length;
      else if (event.key === 'Home') to = 0;
      else if (event.key === 'End') to = entries.length - 1;
      if (to === undefined) return;
      event.preventDefault();
      select(entries[to]!.spec.key, true);
    });
    list.appendChild(entry.tab);
  });

  const element = el('div', { className: options.className ?? 'tabs' }, [list, ...entries.map((e) => e.panel)]);
  return {
    element,
    get selected() {
      return selected;
    },
    select: (key: string) => select(key),
    relabel(key: string, label: readonly Child[]) {
      const entry = entries.find((e) => e.spec.key === key);
      if (entry) replaceChildren(entry.tab, label);
    },
  };
}
