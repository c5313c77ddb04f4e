import type { BotMessage, InputRequest, ProtocolError } from './chat-protocol.js';
import type { Clock } from './clock.js';
import type { StoreTable } from './store-tables.js';
import type { FieldType } from './field-type.js';
import type { ModuleWebhookEvent } from './webhook-events.js';
import type { CodePool } from './capabilities/code-pool-capability.js';
import type { ConsentCapability } from './capabilities/consent-capability.js';
import type { DrawSeedCapability } from './capabilities/draw-seed-capability.js';
import type { InstantWinCapability } from './capabilities/instant-win-capability.js';
import type { DrawPrize } from './prize.js';

/** A table a module writes into, with the module's default retention for it. */
export interface TableDeclaration {
  readonly retentionDays: number;
  /** What the module keeps there, in an owner's words ("Email addresses"): the console says it beside the step. */
  readonly holds: string;
}

/** A value a module collects, offered to custom exports (the "form" group of the field catalogue). */
export interface CollectedField {
  /** Export field key, e.g. `email` or `is_optin`. */
  readonly key: string;
  readonly label: string;
  readonly type: FieldType;
  /**
   * Where the value lives: a data/personal key of a store row. A value sealed in a `variables` row
   * (`personal` true) is written in a row that names it, `data: { variable: key }`: an export reads
   * only the rows of the variables its fields name (see `VariableRows`). With `step`, only the
   * rows that step wrote, as their `data.step_id` says (a flow may ask for two consents).
   */
  readonly source: {
    readonly table: StoreTable;
    readonly key: string;
    readonly personal: boolean;
    readonly step?: string;
    /** In `variables`: the variable its rows name (`data.variable`), when that is not `key` (a quiz's row holds its score, its pass and its answers). */
    readonly variable?: string;
  };
  /** What each stored value is shown as (a choice's option id → its button label); others as stored. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The values it takes, each with what an owner reads (a choice's option ids → their button
   * labels): the console offers them for an export's conditions instead of a blank to type in.
   */
  readonly values?: Readonly<Record<string, string>>;
}

/** The flow statistics counted from store rows (`GET /flows/{flow}/stats`): wins, entries, stamps, full cards, quizzes finished and passed, ratings (high, low). */
export const ROW_STATISTICS = ['instantWinWins', 'giveawayEntries', 'loyaltyStamps', 'loyaltyCards', 'quizzesCompleted', 'quizzesPassed', 'ratings', 'ratingsHigh', 'ratingsLow'] as const;
export type RowStatistic = (typeof ROW_STATISTICS)[number];

/** A count for each row statistic (a day's, a range's). */
export type RowStatisticCounts = { readonly [S in RowStatistic]: number };

/**
 * A figure a module makes of a range's counts (a net promoter score, a pass rate): `value` in
 * `unit` (a percentage, or points from -100 to 100), over `basedOn` of its rows.
 */
export interface StatisticScore {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly unit: 'percent' | 'points';
  readonly basedOn: number;
}

/** The rows a statistic counts: every row a module writes in a table, or only those whose `data[whenTrue]` is true. */
export type RowStatisticRows = StoreTable | { readonly table: StoreTable; readonly whenTrue: string };

/** The table and the condition of a statistic's rows, spelled out. */
export function statisticRows(rows: RowStatisticRows): { readonly table: StoreTable; readonly whenTrue?: string } {
  return typeof rows === 'string' ? { table: rows } : rows;
}

/**
 * A file the participant sent to a step that asks for one (`POST /chat/{workspace}/{flow}/files`):
 * its name and type as the browser gave them (unchecked), and its bytes.
 */
export interface UploadedFile {
  readonly kind: 'file';
  readonly name: string;
  readonly declaredType: string;
  readonly content: Uint8Array;
}

/** What a participant answers: an option id, text, an email or a consent (over the socket), or a file (over HTTP). */
export type ReplyValue = string | boolean | UploadedFile;

/** What a step is given: entering it, or the participant's reply while it waits. */
export type StepInput = { readonly kind: 'enter' } | { readonly kind: 'reply'; readonly value: ReplyValue };

/** What a step decides. Returned as data; the engine applies it. */
export type StepResult =
  /** Wait for the participant; the reply comes back as `{ kind: 'reply' }`. */
  | { readonly type: 'await'; readonly messages: readonly BotMessage[]; readonly input: InputRequest }
  /** The reply was not acceptable: the step keeps waiting and the error is shown at the input. */
  | { readonly type: 'invalid'; readonly error: ProtocolError }
  /** Move on: to `next` when given (a branch), else to the step's own `next`, else the flow ends. */
  | { readonly type: 'next'; readonly messages: readonly BotMessage[]; readonly next?: string }
  /** End the flow here. */
  | { readonly type: 'done'; readonly messages: readonly BotMessage[] };

/** Session variables. Personal values (email, free text) are encrypted at rest. */
export interface Variables {
  get(name: string): string | number | boolean | undefined;
  set(name: string, value: string | number | boolean, options?: { personal?: boolean }): void;
  /** Plain copy of every variable, for interpolation. */
  all(): Readonly<Record<string, string | number | boolean>>;
}

/** One row a module stores (the module's id, flow, session and expiry are stamped for it). */
export interface ModuleWrite {
  readonly data?: Record<string, unknown>;
  readonly personal?: Record<string, unknown> | null;
  /** The normalized email of the data subject, stored only as a keyed hash. */
  readonly subject?: string | null;
  /** A file's bytes (the `files` table only): sealed like personal values, read only when the file itself is asked for. */
  readonly attachment?: Uint8Array;
  /**
   * The webhook event this row is (a finished quiz, a full loyalty card), beside the one its table
   * makes of every row (an entry, a file): written with the row, only when the row is stored.
   */
  readonly event?: ModuleWebhookEvent;
}

/** What a store write did: the row's id and expiry, or nothing because the workspace stores no data. */
export type WriteResult =
  | { readonly stored: true; readonly id: string; readonly expiresAt: Date }
  | { readonly stored: false; readonly reason: 'storage_disabled' };

/** How often one subject may have a row in a table of this flow. */
export type Frequency = 'once' | 'daily' | 'weekly' | 'unlimited';

export type UniqueWriteResult = WriteResult | { readonly stored: false; readonly reason: 'already_exists' };

/** What `writeFollowing` did; when the window already holds a row, the data of the subject's latest live one. */
export type FollowingWriteResult = WriteResult | { readonly stored: false; readonly reason: 'already_exists'; readonly latest: Readonly<Record<string, unknown>> | null };

/** Writes only the module's declared tables; every row gets `expires_at` from the effective retention. */
export interface ModuleStore {
  readonly storageEnabled: boolean;
  write(table: StoreTable, row: ModuleWrite): Promise<WriteResult>;
  /**
   * Writes unless the subject already has a live row in this table for this flow within the
   * frequency window (calendar day/ISO week in the workspace's time zone). Atomic under concurrency.
   */
  writeAtMost(table: StoreTable, row: ModuleWrite & { readonly subject: string }, frequency: Frequency): Promise<UniqueWriteResult>;
  /**
   * Writes the row `next` makes of the data of the subject's latest live row in this table of
   * this flow (null: none), unless the subject already has a live row there within the frequency
   * window (`unlimited`: never). Reading, checking and writing are atomic under concurrency, so
   * each row follows the one before it (a loyalty card's next stamp). With `series`, the rows
   * followed (and the window) are the subject's rows of every flow of the workspace written with
   * the same series, which the written row then carries as `data.series` (a loyalty program).
   */
  writeFollowing(
    table: StoreTable,
    subject: string,
    frequency: Frequency,
    next: (latest: Readonly<Record<string, unknown>> | null) => ModuleWrite,
    options?: { readonly series?: string },
  ): Promise<FollowingWriteResult>;
}

export interface FlowInfo {
  readonly id: string;
  readonly slug: string;
  readonly hashId: string;
  readonly name: string;
  readonly opensAt: Date | null;
  readonly closesAt: Date | null;
}

/** What a chat's handshake showed of the visitor's device and page, coarse on purpose (no fingerprinting): the fields of the session's device facts a step may read (the session's own object, never copied). */
export interface VisitorDevice {
  readonly mobile?: boolean;
  /** Chrome, Firefox, Safari, Edge, Opera or Other. */
  readonly browser?: string;
  /** Android, iOS, Windows, macOS, Linux or Other. */
  readonly platform?: string;
  /** The browser's language, BCP 47 (`fr-FR`). */
  readonly language?: string;
  /** The host page's address, without its query or fragment. */
  readonly originUrl?: string;
}

/** Narrow capabilities a step gets. Never a database client. */
export interface StepContext<C> {
  readonly config: C;
  readonly stepId: string;
  readonly workspace: { readonly id: string; readonly timeZone: string };
  readonly flow: FlowInfo;
  /**
   * The chat session. `country`: the participant's country as the handshake showed it (a CDN's
   * country header, else the region of the browser's language), when known; `device`: what the
   * handshake showed of the visitor's device and page. Hints for defaults and routing (a phone
   * number's country, a shorter flow on phones), never proof of anything.
   */
  readonly session: { readonly id: string; readonly participantRef: string; readonly country?: string; readonly device?: VisitorDevice };
  readonly variables: Variables;
  readonly store: ModuleStore;
  readonly clock: Clock;
  /** Typed capabilities beyond the store (mail, instant-win draws, code pools, …), provided by the runtime. */
  readonly capabilities: ModuleCapabilities;
  /** Records an event in the runtime log (no personal data), in the turn's transaction. */
  log(event: string, data?: Record<string, string | number | boolean>): Promise<void>;
}

/**
 * Capabilities beyond the store, declared here so modules can use them and the runtime can
 * provide them. Each is a narrow interface implemented over storage.
 */
export interface ModuleCapabilities {
  /** Double opt-in mails for a consent step. */
  readonly consent: ConsentCapability;
  /** The code pool of a codes step. */
  readonly codePool: CodePool;
  /** Instant-win draws and claims. */
  readonly instantWin: InstantWinCapability;
  /** Committed seeds of giveaway draws. */
  readonly drawSeeds: DrawSeedCapability;
}

/** What a module's flow lifecycle hooks get: its step config and capabilities, in the save/close transaction. */
export interface FlowLifecycleContext<C> {
  readonly config: C;
  readonly stepId: string;
  readonly workspace: { readonly id: string; readonly timeZone: string };
  readonly flow: FlowInfo;
  readonly clock: Clock;
  readonly capabilities: ModuleCapabilities;
}

/** A step a config branches to, and the JSON pointer (in the config) of the field that names it. */
export interface StepBranch {
  readonly step: string;
  readonly path: string;
}

/** The branches named by top-level fields of a config (a failed quiz's `failedNext`), those set. */
export function namedBranches<C>(config: C, keys: ReadonlyArray<keyof C & string>): StepBranch[] {
  return keys.flatMap((key) => {
    const step = config[key];
    return typeof step === 'string' ? [{ step, path: `/${key}` }] : [];
  });
}

/** Checks a saved flow step beyond its JSON Schema (e.g. dates in order); throw ConfigError with a path. */
export type ConfigCheck<C> = (config: C, path: string) => void;

export interface ModuleDefinition<C = any> {
  /** kebab-case, unique. */
  readonly id: string;
  readonly title: string;
  /** One sentence for owners: what the step does. */
  readonly description: string;
  /** JSON Schema of the step config (every property with a title, a description and its default, for generated forms) (ajv strict, additionalProperties: false). */
  readonly configSchema: Record<string, unknown>;
  readonly checkConfig?: ConfigCheck<C>;
  readonly tables: Readonly<Partial<Record<StoreTable, TableDeclaration>>>;
  /** What the admin API offers for this module's steps: winner draws over its entries, a code pool to upload. */
  readonly admin?: { readonly winnerDraws?: boolean; readonly codePool?: boolean };
  /** What a winner draw of a step gives its winners, when the step names a prize (written on their `winners` rows). */
  readonly drawPrize?: (config: C) => DrawPrize | undefined;
  /**
   * Flow statistics the module's rows count towards: each names one of its declared tables, and
   * every row it writes there counts once, on the day it was written.
   */
  readonly statistics?: Readonly<Partial<Record<RowStatistic, RowStatisticRows>>>;
  /**
   * Scores made of a range's counts, given the configs of the flow's steps of this module as the
   * flow stands (none when they cannot be told apart, as ratings on two scales, or without rows).
   */
  readonly scores?: (configs: readonly C[], counts: RowStatisticCounts) => readonly StatisticScore[];
  /** True when the module cannot work with storage switched off (refused when the flow is saved). */
  readonly requiresStorage?: boolean;
  /**
   * The steps this config may branch to (a choice's options, a condition's rules), each with the
   * JSON pointer of the config field that names it, so the flow can check that they exist and
   * point at the field when one does not.
   */
  readonly branches?: (config: C) => readonly StepBranch[];
  /**
   * True when entering a step of this config always waits for the participant (a question) or
   * ends the flow, never going on in the same turn: steps that go on to one another without
   * waiting must not form a loop, which saving the flow checks. Without it, the step may go on.
   */
  readonly waits?: (config: C) => boolean;
  /** The values a step of this module collects (`stepId`: the step), offered to exports. */
  readonly fields?: (config: C, stepId: string) => readonly CollectedField[];
  /** Runs when the flow is saved with status open (draw instant-win moments, prepare pools, …). */
  onFlowSaved?(ctx: FlowLifecycleContext<C>): Promise<void>;
  /** Runs once when the flow is closed (reveal draws, …). */
  onFlowClosed?(ctx: FlowLifecycleContext<C>): Promise<void>;
  handleStep(input: StepInput, ctx: StepContext<C>): Promise<StepResult>;
}

/** Identity helper: declares a module with its config type inferred. */
export function defineModule<C>(definition: ModuleDefinition<C>): ModuleDefinition<C> {
  return Object.freeze(definition);
}
