import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { StoreTable } from '../core/store-tables.js';
import type { FlowDefinition } from '../core/flow-definition.js';
import type { Turn } from '../core/chat-protocol.js';

/** Workspace-level retention overrides: per table, and per module and table. */
export interface RetentionOverrides {
  tables?: Partial<Record<StoreTable, number>>;
  modules?: Record<string, Partial<Record<StoreTable, number>>>;
}

export interface WorkspaceTable {
  id: string;
  name: string;
  time_zone: string;
  storage_enabled: boolean;
  allowed_origins: ColumnType<string[], string, string>;
  retention: ColumnType<RetentionOverrides, string, string>;
  /** Modules that run without storing anything in this workspace (0016). */
  storage_off_modules: ColumnType<string[], string[] | undefined, string[]>;
  /** Days the audit log keeps an entry (0038). */
  audit_retention_days: ColumnType<number, number | undefined, number>;
  settings: ColumnType<Record<string, unknown>, string, string>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface WorkspaceDataKeyTable {
  workspace_id: string;
  wrapped_key: Buffer | null;
  /** The id of the master key that wraps it (`masterKeyId`); null for keys wrapped before 0030. */
  master_key_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  destroyed_at: Date | null;
}

/** What an API key may do. */
export type ApiKeyAccess = 'full' | 'read';

export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  name: string;
  key_hash: Buffer;
  prefix: string;
  /** `full`, or `read`: GET requests and the operations that only read (see `RouteDefinition.readOnly`). */
  access: ColumnType<ApiKeyAccess, ApiKeyAccess | undefined, ApiKeyAccess>;
  created_at: ColumnType<Date, Date | undefined, never>;
  last_used_at: Date | null;
  revoked_at: Date | null;
  /** From then on the key is refused; null: it never expires. */
  expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The parts of the API the key may call (`ApiScope`); null: the whole API. */
  scopes: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
}

/** The shape shared by every store table (`store_participations`, `store_winners`, …). */
export interface StoreRowTable {
  id: string;
  workspace_id: string;
  flow_id: string | null;
  session_id: string | null;
  participant_ref: string | null;
  subject_hash: Buffer | null;
  module_id: string;
  step_id: string | null;
  default_retention_days: number;
  created_at: Date;
  expires_at: Date;
  data: ColumnType<Record<string, unknown>, string, string>;
  personal: Buffer | null;
  /** Written by a console preview session: no export, download, draw or console table reads it (0016). */
  preview: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface SweepRunTable {
  id: Generated<string>;
  run_id: string;
  table_name: string;
  rows_deleted: number;
  batches: number;
  started_at: Date;
  duration_ms: number;
  occurrence_at: Date | null;
}

export interface FlowTable {
  id: string;
  workspace_id: string;
  slug: string;
  hash_id: string;
  name: string;
  status: 'open' | 'closed';
  opens_at: Date | null;
  closes_at: Date | null;
  definition: ColumnType<FlowDefinition, string, string>;
  version: number;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: Date;
  closed_at: Date | null;
}

export interface ChatSessionTable {
  id: string;
  workspace_id: string;
  flow_id: string;
  resume_token_hash: Buffer;
  participant_ref: string;
  step_id: string | null;
  status: 'active' | 'done';
  seq: number;
  variables: ColumnType<Record<string, string | number | boolean>, string, string>;
  personal: Buffer | null;
  device: ColumnType<Record<string, unknown>, string, string>;
  last_turn: ColumnType<Turn | null, string | null, string | null>;
  recent_replies: ColumnType<Array<{ id: string; seq: number }>, string, string>;
  started_at: Date;
  updated_at: Date;
  expires_at: Date;
  /** The flow version the session started on (null: started before versions were kept). */
  flow_version: ColumnType<number | null, number | null | undefined, number | null>;
  /** Started from the console's preview: counts in no export and no statistic. */
  preview: ColumnType<boolean, boolean | undefined, boolean>;
  /** The steps the session was shown, in first-shown order (flow statistics). */
  steps_seen: ColumnType<string[], string[] | undefined, string[]>;
}

/** One saved version of a flow; never changed once written. */
export interface FlowVersionTable {
  flow_id: string;
  version: number;
  name: string;
  definition: ColumnType<FlowDefinition, string, never>;
  created_at: Date;
}

export interface Database {
  flows: FlowTable;
  chat_sessions: ChatSessionTable;
  flow_versions: FlowVersionTable;
  workspaces: WorkspaceTable;
  workspace_data_keys: WorkspaceDataKeyTable;
  api_keys: ApiKeyTable;
  sweep_runs: SweepRunTable;
  store_participations: StoreRowTable;
  store_winners: StoreRowTable;
  store_consents: StoreRowTable;
  store_variables: StoreRowTable;
  store_codes: StoreRowTable;
  store_loyalty: StoreRowTable;
  store_files: StoreRowTable & { attachment: Buffer | null };
  store_instant_win_claims: StoreRowTable;
  store_runtime_log: StoreRowTable;
}

export type WorkspaceRow = Selectable<WorkspaceTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type StoreRow = Selectable<StoreRowTable>;
export type FlowRow = Selectable<FlowTable>;
export type ChatSessionRow = Selectable<ChatSessionTable>;
export type NewStoreRow = Insertable<StoreRowTable>;
