import type { DecodedRow } from './store-reader.js';
import type { StoreTable } from '../core/store-tables.js';

/** The columns an export reads from a store row (no workspace id, no retention days). */
export interface ExportRawRow {
  readonly id: string;
  readonly flow_id: string | null;
  readonly session_id: string | null;
  readonly participant_ref: string | null;
  readonly subject_hash: Buffer | null;
  readonly module_id: string;
  readonly step_id: string | null;
  readonly created_at: Date;
  readonly expires_at: Date;
  readonly data: Record<string, unknown>;
  readonly personal: Buffer | null;
}

/** Decrypts one sealed JSON value of the exported workspace, synchronously. */
export type PersonalOpener = (sealed: Buffer) => Record<string, unknown>;

/**
 * A store row as an export reads it. Personal values are decrypted the first time a field reads
 * them, so rows whose personal values no selected field needs are never decrypted.
 */
export class ExportRow implements DecodedRow {
  readonly id: string;
  readonly flowId: string | null;
  readonly sessionId: string | null;
  readonly participantRef: string | null;
  readonly moduleId: string;
  readonly stepId: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly data: Record<string, unknown>;
  #sealed: Buffer | null;
  #personal: Record<string, unknown> | null | undefined;
  readonly #open: PersonalOpener | undefined;

  constructor(readonly table: StoreTable, raw: Omit<ExportRawRow, 'subject_hash'>, open: PersonalOpener | undefined) {
    this.id = raw.id;
    this.flowId = raw.flow_id;
    this.sessionId = raw.session_id;
    this.participantRef = raw.participant_ref;
    this.moduleId = raw.module_id;
    this.stepId = raw.step_id;
    this.createdAt = raw.created_at;
    this.expiresAt = raw.expires_at;
    this.data = raw.data;
    this.#sealed = raw.personal;
    this.#personal = raw.personal ? undefined : null;
    this.#open = open;
  }

  get personal(): Record<string, unknown> | null {
    if (this.#personal === undefined) {
      this.#personal = this.#open!(this.#sealed!);
      this.#sealed = null;
    }
    return this.#personal;
  }
}
