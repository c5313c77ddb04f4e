/** Shapes of the admin API's JSON, as the console reads them (see `GET /api/v1/openapi.json`). */

/** Per-table retention overrides in days. */
export type TableDays = Readonly<Record<string, number>>;

export interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly storageEnabled: boolean;
  /** Modules whose "Store this module's data" switch is off. */
  readonly storageOffModules: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly retention: { readonly tables?: TableDays; readonly modules?: Readonly<Record<string, TableDays>> };
  /** Days the audit log keeps an entry. */
  readonly auditRetentionDays: number;
  /** The workspace's SMTP settings (the sender shown here), null when it sends no mail. */
  readonly mail?: { readonly from: string } | null;
  /** The public page where people withdraw their consents themselves, at the server's public address; null without mail settings. */
  readonly withdrawalPage?: string | null;
}

/** A settings change, as `PATCH /workspace` takes it. */
export interface WorkspacePatch {
  readonly name?: string;
  readonly timeZone?: string;
  readonly storageEnabled?: boolean;
  readonly storageOffModules?: readonly string[];
  readonly allowedOrigins?: readonly string[];
  readonly retention?: Workspace['retention'];
  readonly auditRetentionDays?: number;
}

/** The workspace's public GPG key, for files sent to it encrypted. */
export interface WorkspaceGpgKey {
  readonly fingerprint: string;
  readonly publicKey: string;
  readonly createdAt: string;
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

/** A flow with live rows in a table (`GET /tables/{table}/flows`); `id` and `name` are null once it is deleted. */
export interface TableFlow {
  readonly flowId: string;
  readonly id: string | null;
  readonly name: string | null;
  readonly rows: number;
}

export interface RowPage {
  readonly rows: readonly StoreRow[];
  readonly next: string | null;
}

export interface Flow {
  /** The flow's id as URLs and the widget name it (its slug). */
  readonly id: string;
  /** Its database id, as stored rows and audit entries name it. */
  readonly uuid: string;
  readonly hashId: string;
  readonly name: string;
  readonly status: 'open' | 'closed';
  readonly opensAt: string | null;
  readonly closesAt: string | null;
  readonly closedAt: string | null;
}

/** `GET /flows/{flow}/stats`: sessions started in a range of days (workspace zone), by start day. */
export type { FlowStatsReport as FlowStats, StepStats } from '../../core/flow-stats-report.js';

/** A one-time download: the password is shown once and never stored. */
export interface DownloadLink {
  readonly url: string;
  readonly password: string;
  readonly expiresAt: string;
}

/** A JSON Schema as the module catalogue serves it (titles, descriptions, defaults on every property). */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  /** With a `const` and a `title` each: values from a fixed set, each with the name an owner reads. */
  readonly oneOf?: readonly JsonSchema[];
  readonly format?: string;
  readonly pattern?: string;
  /** A credential: sent, never returned. */
  readonly writeOnly?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
}

/** One module of `GET /modules`: what a step can be, its form, and what it stores for how long. */
export interface ModuleInfo {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly requiresStorage: boolean;
  /** Whether the workspace stores this module's rows now. */
  readonly storesData: boolean;
  readonly configSchema: JsonSchema;
  readonly tables: ReadonlyArray<{ readonly table: string; readonly holds: string; readonly defaultRetentionDays: number; readonly retentionDays: number }>;
}

export interface FlowStepDocument {
  readonly id: string;
  readonly module: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly next?: string;
}

/** What `PUT /flows/{id}` takes. */
export interface FlowDocument {
  readonly name: string;
  readonly status: 'open' | 'closed';
  readonly opensAt: string | null;
  readonly closesAt: string | null;
  readonly start: string;
  readonly steps: readonly FlowStepDocument[];
}

/** A flow with its steps, as `GET /flows/{id}` answers. */
export interface FlowDetail extends Flow {
  readonly start: string;
  readonly steps: readonly FlowStepDocument[];
  readonly version: number;
}

/** One saved version of a flow, as `GET /flows/{id}/versions` lists it. */
export interface FlowVersionSummary {
  readonly version: number;
  readonly name: string;
  readonly createdAt: string;
  readonly stepCount: number;
}

/** What `POST /flows/{id}/preview` answers: a short-lived token for the preview widget. */
export interface PreviewToken {
  readonly token: string;
  readonly expiresAt: string;
  readonly workspace: string;
  readonly flow: string;
}

/** A codes step's pool with its counts, as `GET /code-pools` lists it (never the codes). */
export interface CodePool {
  readonly flowId: string;
  readonly flowName: string;
  readonly flowStatus: 'open' | 'closed';
  readonly stepId: string;
  readonly total: number;
  /** Handed out (distribute) or used (single-use check). */
  readonly assigned: number;
  readonly available: number;
}

/** What an upload of codes did. */
export interface AddCodesResult {
  readonly added: number;
  readonly duplicates: number;
}

/** One audited action: who (key), what, when; never personal data. */
export interface AuditEntry {
  readonly id: string;
  readonly keyId: string | null;
  readonly keyName: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly counts: Readonly<Record<string, number>>;
  readonly at: string;
}

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  readonly next: string | null;
}

/** Filters and cursor of `GET /audit`; `from` inclusive, `to` exclusive (ISO instants). */
export interface AuditQuery {
  readonly limit: number;
  readonly before?: string;
  readonly action?: string;
  readonly from?: string;
  readonly to?: string;
}
