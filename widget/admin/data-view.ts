import type { TableInfo } from './api-types.js';
import type { ConsoleContext } from './console-context.js';
import { el, replaceChildren, srOnly, type Child } from './dom-builder.js';
import { errorMessage } from './status-messages.js';
import { createTabList, type TabList } from './tab-list.js';
import { inDisplayOrder, tableLabel } from './table-labels.js';
import { showTableView } from './table-view.js';

function tabLabel(table: TableInfo): Child[] {
  return [tableLabel(table.name), ' ', el('span', { className: 'count' }, [String(table.rows)]), srOnly(table.rows === 1 ? ' row' : ' rows')];
}

/** The Data section: one tab per store table (with its live row count), each showing its table view. */
export interface DataView {
  show(panel: HTMLElement): Promise<void>;
}

/** Builds the Data section; it reloads the table list each time it is shown and remembers the open tab. */
export function createDataView(ctx: ConsoleContext): DataView {
  let selected: string | undefined;
  let tabs: TabList | undefined;
  const latest = new Map<string, TableInfo>();

  async function refreshTables(): Promise<readonly TableInfo[]> {
    const tables = await ctx.api.tables();
    for (const table of tables) {
      latest.set(table.name, table);
      tabs?.relabel(table.name, tabLabel(table));
    }
    return tables;
  }

  return {
    async show(panel: HTMLElement) {
      replaceChildren(panel, [el('p', { className: 'muted', text: 'Loading tables…' })]);
      let tables: TableInfo[];
      try {
        tables = inDisplayOrder(await ctx.api.tables());
      } catch (failure) {
        replaceChildren(panel, [el('p', { className: 'error', attrs: { role: 'alert' }, text: errorMessage(failure) })]);
        return;
      }
      for (const table of tables) latest.set(table.name, table);
      const list = createTabList(
        'Tables',
        tables.map((table) => ({
          key: table.name,
          label: tabLabel(table),
          show: (tablePanel: HTMLElement) => {
            selected = table.name;
            showTableView(tablePanel, latest.get(table.name) ?? table, ctx, { refreshTables });
          },
        })),
        { className: 'tabs sub-tabs' },
      );
      tabs = list;
      replaceChildren(panel, [list.element]);
      list.select(selected ?? tables[0]?.name ?? '');
    },
  };
}
