import type { AdminApi } from '../api-client.js';
import type { ExportOptions, ExportSourceFlow, FieldCatalogue } from '../export-api-types.js';
import type { ExportDraft } from './export-draft.js';

/** What every step of the export builder works with. */
export interface BuilderContext {
  readonly api: AdminApi;
  /** The workspace zone: triggers, file names and run times are in it. */
  readonly timeZone: string;
  readonly options: ExportOptions;
  readonly flows: readonly ExportSourceFlow[];
  /** The export being built; steps edit it in place. */
  readonly draft: ExportDraft;
  /** The field catalogue of the draft's flow (undefined until a flow is chosen). */
  catalogue(): FieldCatalogue | undefined;
  /** Loads the catalogue of the draft's flow again (after Start changed the flow). */
  loadCatalogue(): Promise<void>;
  /** The saved export's id, once saved. */
  exportId(): string | undefined;
  /** Tells the builder the draft changed (live previews follow). */
  changed(): void;
  announce(message: string): void;
  /** Opens "Edit a field" on one column of the design zone. */
  editField(uid: number): void;
  /** The value an operator takes: none, one, or a list. */
  operatorShape(operator: string): 'none' | 'single' | 'list' | undefined;
}

/** One step as shown: its content, and where a refusal of the server goes. */
export interface BuilderStep {
  readonly element: HTMLElement;
  /** Shows `message` at the control the JSON path (of the definition) names; false when none does. */
  showError(path: string, message: string): boolean;
}

/** A step of the builder: its title and how to build it from the context. */
export interface StepSpec {
  readonly key: string;
  readonly title: string;
  /** JSON paths of the definition this step edits (a refusal at one of them opens the step). */
  readonly paths: readonly RegExp[];
  create(ctx: BuilderContext, focus?: { readonly uid?: number }): BuilderStep;
}

/**
 * Calls `run` once `ms` have passed without another call (live previews while typing); the
 * latest call wins.
 */
export function debounce(run: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
}
