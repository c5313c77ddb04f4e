/** Shapes of the admin API's JSON, as the console reads them (see `GET /api/v1/openapi.json`). */

/** Per-table retention overrides in days. */
export type TableDays = Readonly<Record<string, number>>;

export interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly storageEnabled: boolean;
  readonly allowedOrigins: readonly string[];
  readonly retention: { readonly tables?: TableDays; readonly modules?: Readonly<Record<string, TableDays>> };
}

/** A settings change, as `PATCH /workspace` takes it. */
export interface WorkspacePatch {
  readonly name?: string;
  readonly timeZone?: string;
  readonly storageEnabled?: boolean;
  readonly allowedOrigins?: readonly string[];
  readonly retention?: Workspace['retention'];
}

export interface TableInfo {
  readonly name: string;
  readonly rows: number;
  readonly retentionDays: number;
}

export interface StoreRow {
  readonly id: string;
  readonly table: string;
  readonly flowId: string | null;
  readonly moduleId: string;
  readonly stepId: string | null;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly personal: Readonly<Record<string, unknown>> | null;
}

export interface RowPage {
  readonly rows: readonly StoreRow[];
  readonly next: string | null;
}

export interface Flow {
  readonly id: string;
  readonly hashId: string;
  readonly name: string;
  readonly status: 'open' | 'closed';
  readonly opensAt: string | null;
  readonly closesAt: string | null;
  readonly closedAt: string | null;
}

/** A one-time download: the password is shown once and never stored. */
export interface DownloadLink {
  readonly url: string;
  readonly password: string;
  readonly expiresAt: string;
}
