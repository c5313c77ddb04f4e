import type { AdminApi } from './api-client.js';
import type { TableInfo, Workspace } from './api-types.js';

/** What every view of the signed-in console receives. */
export interface ConsoleContext {
  readonly api: AdminApi;
  /** The workspace as last read or saved (its time zone formats every date). */
  workspace(): Workspace;
  /** Records a saved workspace so every view sees the new settings. */
  setWorkspace(workspace: Workspace): void;
  /**
   * True when the signed-in key may call that part of the API (an OpenAPI tag: `flows`,
   * `workspace`, …): a view leaves out what the API would refuse it.
   */
  may(part: string): boolean;
  /** Announces a result in the polite live region. */
  announce(message: string): void;
}

/** What a table view needs from the data view around it. */
export interface TableViewHost {
  /** Reloads every table's count (the tab labels) and returns the fresh list. */
  refreshTables(): Promise<readonly TableInfo[]>;
}
