/** Shapes of the custom-export API's JSON, as the console reads them (see `GET /api/v1/openapi.json`). */
import type { DownloadLink, JsonSchema } from './api-types.js';

export type FieldType = 'text' | 'number' | 'boolean' | 'date' | 'datetime';

/** One field of a flow's catalogue. */
export interface CatalogueFieldInfo {
  readonly key: string;
  readonly label: string;
  readonly type: FieldType;
  readonly personal: boolean;
  /** The values it takes, when known, each with what an owner reads (offered to conditions). */
  readonly values?: ReadonlyArray<{ readonly value: string; readonly label: string }>;
}

/** A section of the catalogue (form, device, operation, access code, gift, external, variable, custom). */
export interface CatalogueGroup {
  readonly group: string;
  readonly title: string;
  readonly description: string;
  readonly fields: readonly CatalogueFieldInfo[];
}

/** `GET /exports/fields?flow=…`. */
export interface FieldCatalogue {
  readonly winnersOffered: boolean;
  readonly groups: readonly CatalogueGroup[];
}

export interface FilterInfo {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly accepts: readonly FieldType[];
}

export interface OperatorInfo {
  readonly id: string;
  readonly title: string;
  readonly value: 'none' | 'single' | 'list';
  readonly types: readonly FieldType[];
  /** Its value is compared whole: a field's known values are what it takes. */
  readonly wholeValue: boolean;
}

export interface DestinationKindInfo {
  readonly kind: string;
  readonly title: string;
  readonly schema: JsonSchema;
}

/** `GET /exports/sources`: a flow an export may read. */
export interface ExportSourceFlow {
  readonly id: string;
  readonly name: string;
  readonly status: 'open' | 'closed';
  /** When an open flow closes by itself (what a trigger at closure waits for). */
  readonly closesAt: string | null;
}

/** `GET /export-options`. */
export interface ExportOptions {
  readonly filters: readonly FilterInfo[];
  readonly operators: readonly OperatorInfo[];
  readonly destinations: readonly DestinationKindInfo[];
}

/** One column of an export definition. */
export interface ExportFieldSpec {
  readonly field: string;
  readonly value?: string;
  readonly column?: string;
  readonly filter?: string;
  readonly defaultValue?: string;
  readonly maxSize?: number;
  readonly minSize?: number;
  readonly padChar?: ' ' | '0';
  readonly padSide?: 'left' | 'right';
}

export interface ExportCondition {
  readonly field: string;
  readonly operator: string;
  readonly value?: string | readonly string[];
}

export type ExportScope = 'entries' | 'participants' | 'winners' | 'winning_participants';

export type ExportTrigger =
  | { readonly type: 'immediate' }
  | { readonly type: 'closure' }
  | { readonly type: 'weekly'; readonly day: string; readonly time: string }
  | { readonly type: 'scheduled'; readonly at: string }
  | { readonly type: 'daily'; readonly time: string; readonly mode: 'previous_day' | 'new_since_last_run' | 'all' };

/** An export definition as `POST /exports` takes it (the API answers with credentials as `<key>Set`). */
export interface ExportDefinitionDocument {
  readonly name: string;
  /** A flow's entries, or a store table's rows (of one flow when `flow` is given too). */
  readonly source: { readonly flow?: string; readonly table?: string };
  readonly scope?: ExportScope;
  readonly fields: readonly ExportFieldSpec[];
  readonly conditions?: readonly ExportCondition[];
  readonly format: Readonly<Record<string, unknown>> & { readonly type: string };
  readonly fileNamePattern: string;
  readonly destination?: Readonly<Record<string, unknown>>;
  readonly encryption?: { readonly publicKey: string };
  readonly trigger?: ExportTrigger;
  /** Language of the locale-aware filters (civility, country names); French when left out. */
  readonly locale?: ExportLocale;
  /** A `<file>.manifest.json` (rows, bytes, SHA-256) is delivered beside the file. */
  readonly manifest?: boolean;
}

export type ExportLocale = 'fr' | 'en';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** A saved export, with when its trigger fires next and its latest run. */
export interface ExportSummary {
  readonly id: string;
  readonly version: number;
  readonly definition: ExportDefinitionDocument;
  readonly nextRunAt: string | null;
  readonly lastRun: { readonly id: string; readonly run: number; readonly status: RunStatus; readonly queuedAt: string; readonly finishedAt: string | null } | null;
}

/** One run of the history. */
export interface ExportRun {
  readonly id: string;
  readonly run: number;
  readonly status: RunStatus;
  readonly trigger: string;
  readonly window: { readonly from: string | null; readonly to: string } | null;
  readonly rows: number | null;
  readonly progressRows: number;
  readonly bytes: number | null;
  readonly sha256: string | null;
  readonly fileName: string | null;
  readonly destination: string | null;
  readonly error: string | null;
  readonly attempts: number;
  readonly queuedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface ExportPreview {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly text: string;
}

export interface DestinationCheck {
  readonly ok: boolean;
  readonly error?: string;
}

export interface GpgKeyInfo {
  readonly fingerprint: string;
  readonly userIds: readonly string[];
  readonly algorithm: string;
  readonly expiresAt: string | null;
}

/** A one-time link to a ZIP holding a run's delivered file, with the ZIP's password. */
export interface RunDownload extends DownloadLink {
  readonly fileName: string;
  readonly bytes: number;
}
