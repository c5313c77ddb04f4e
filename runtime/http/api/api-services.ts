import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../logger.js';
import type { Storage } from '../../../storage/storage.js';
import type { FlowLifecycleDeps } from '../../engine/flow-lifecycle.js';
import type { ExportDefinitionService } from '../../../exporter/definition/export-definition-service.js';
import type { ExportJobs } from '../../../exporter/run/export-scheduler.js';

/** Limits operators configure for the admin API (see `runtime/config.ts`). */
export interface ApiLimits {
  /** Most lines one streamed CSV code upload may have. */
  readonly codeUploadMaxLines: number;
}

/** What admin API handlers may use. Grows as features land; handlers never see a pool. */
export interface ApiServices {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Saving and closing flows (validation against the module registry, module hooks). */
  readonly flows: FlowLifecycleDeps;
  /** Queues export runs (manual, immediate, scheduled). */
  readonly exports: ExportJobs;
  /** Webhooks: whether private targets are allowed (URL checks), and a nudge to drain the outbox now. */
  readonly webhooks: { readonly allowPrivate: boolean; wake(): void };
  readonly limits: ApiLimits;
  /** The address people reach this server at (no trailing slash), for the public pages the API names. */
  publicUrl(): string;
  /** Saves custom export definitions (validation, credentials, the immediate trigger). */
  readonly exportDefinitions: ExportDefinitionService;
  /**
   * The change feed of this process's caches: a write answers only once this process has heard
   * every change committed before it, so the owner's next handshake here sees what they changed.
   */
  readonly changes?: { sync(): Promise<void> };
}
