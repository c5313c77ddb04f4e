import { uuidV7 } from '../../storage/uuid-v7.js';
import type { InputRequest, ReplyAck, SessionInfo, Turn, BotMessage } from '../../core/chat-protocol.js';
import type { Clock } from '../../core/clock.js';
import { ParleyError } from '../../core/errors.js';
import type { ReplyValue, StepContext, StepInput, StepResult } from '../../core/module-contract.js';
import type { ModuleRegistry } from '../../core/module-registry.js';
import { stepById, type FlowDefinition } from '../../core/flow-definition.js';
import { FlowDefinitionCache } from './flow-definition-cache.js';
import { createModuleStore, type ModuleStoreScope } from './module-store.js';
import { sessionVariables } from './session-variables.js';
import { flushingFirst, TurnWrites } from './turn-writes.js';
import { databaseFreeContext } from './database-free-context.js';
import { queueInitialVariables, startingVariables, type InitialVariables } from './initial-variables.js';
import { inTransaction, type StoreContext } from '../../storage/store-context.js';
import { newHashId, type FlowRecord } from '../../storage/flow-repository.js';
import { pooledRandomBytes } from '../../storage/crypto/random-pool.js';
import { findSessionByToken, type DeviceFacts, type Scalar, type SessionState } from '../../storage/session-repository.js';
import { confirmTurn, expectTurn, insertTurn, isSessionMovedOn, loadChatEntry, lockTurn, updateTurn, type FlowHeader, type TurnExpectation, type TurnWorkspace } from '../../storage/turn-repository.js';
import { RecentSessions, type RecentSession } from './recent-sessions.js';
import { resolveRetentionDays } from '../../storage/retention-policy.js';
import type { StoreTable } from '../../core/store-tables.js';
import type { PreparedStoreRow } from '../../storage/store-writer.js';
import { buildCapabilities, type CapabilityFactories } from '../capabilities/capability-factory.js';
import { CAPABILITIES } from '../capabilities.js';
import type { ChatEntryCache } from './chat-entry-cache.js';

/**
 * Builds one named capability for a step (mail, instant-win claims, code pools, …). `reads`
 * names the store tables its methods read: a turn's rows of those tables are written first.
 */
export type { CapabilityFactory } from '../capabilities/capability-factory.js';

/** What the handshake read: the workspace (with its allowed origins) and the flow it names. */
export type ChatEntry = NonNullable<Awaited<ReturnType<typeof loadChatEntry>>>;

export interface StartRequest {
  readonly workspaceId: string;
  readonly flowSlug: string;
  readonly resumeToken?: string;
  readonly device: DeviceFacts;
  readonly ip: string | null;
  /** The handshake's read of workspace and flow, so starting does not read them again. */
  readonly entry?: ChatEntry;
  /** Host-page variables (validated), set before the first turn of a new session only. */
  readonly variables?: InitialVariables;
  /** Started from the console's preview (the gateway checked its signed token). */
  readonly preview?: boolean;
}

/** A participant's reply: the socket's `reply` event, or a file sent over HTTP. `clientMessageId` makes a retry count once. */
export interface EngineReply {
  readonly clientMessageId: string;
  readonly value: ReplyValue;
}

/** What sessions did, told after the turn that did it committed (counters; flows only, nothing personal). */
export interface FlowEvents {
  /** A new session started (a resumed one does not start again). */
  started(flow: FlowHeader): void;
  /** A session reached the end of its flow. */
  completed(flow: FlowHeader): void;
}

const MAX_STEPS_PER_TURN = 100;
const RECENT_REPLIES = 20;
const SESSION_MODULE = 'session';
const MAX_EPHEMERAL_SESSIONS = 10_000;

/**
 * Runs flows: starts and resumes sessions and processes replies exactly once. Each turn is one
 * short transaction holding the session's row lock, so any process can continue any session and
 * two deliveries of one reply never both apply: one statement locks the session and reads its
 * workspace's guarding settings and flow version, the steps run (definitions cached by version),
 * and one statement writes the session with the turn's store rows.
 */
export class FlowEngine {
  readonly #storage: StoreContext;
  readonly #registry: ModuleRegistry;
  readonly #clock: Clock;
  readonly #capabilities: CapabilityFactories;
  readonly #events: FlowEvents | undefined;
  readonly #entries: ChatEntryCache<ChatEntry> | undefined;
  readonly #definitions = new FlowDefinitionCache();
  readonly #recent = new RecentSessions();
  /** With storage off, personal variables live only here (this process), never in the database. */
  readonly #ephemeral = new Map<string, { variables: Record<string, Scalar>; lastTurn: SessionState['lastTurn'] }>();

  /** `entries`: the handshake's reads kept by this process (none: every handshake reads the database). */
  constructor(options: { storage: StoreContext; registry: ModuleRegistry; clock: Clock; capabilities?: CapabilityFactories; events?: FlowEvents; entries?: ChatEntryCache<ChatEntry> }) {
    this.#storage = options.storage;
    this.#entries = options.entries;
    this.#registry = options.registry;
    this.#clock = options.clock;
    this.#capabilities = options.capabilities ?? CAPABILITIES;
    this.#events = options.events;
  }

  /** What a handshake reads: the workspace and the flow it names (one statement, or none when this process keeps it). */
  async loadEntry(workspaceId: string, flowSlug: string): Promise<ChatEntry | undefined> {
    const load = () => loadChatEntry(this.#storage, workspaceId, flowSlug);
    return this.#entries ? this.#entries.get(workspaceId, flowSlug, load) : load();
  }

  /** Starts a session, or resumes the one a resume token names (same step, same last turn). */
  async start(request: StartRequest): Promise<{ session: SessionInfo; turn: Turn }> {
    const entry = request.entry ?? (await this.loadEntry(request.workspaceId, request.flowSlug));
    if (!entry?.flow) throw new ParleyError('not_found', 'No such flow');
    const { workspace } = entry;
    this.#assertOpen(entry.flow);
    if (request.resumeToken) {
      const existing = await findSessionByToken(this.#storage, request.resumeToken, workspace.id, entry.flow.id);
      if (existing?.lastTurn) {
        const turn = (this.#ephemeral.get(existing.id)?.lastTurn ?? existing.lastTurn);
        return { session: { sessionId: existing.id, resumeToken: request.resumeToken }, turn };
      }
    }
    const flow = await this.#definitions.flow(this.#storage.db, entry.flow);
    const resumeToken = pooledRandomBytes(32).toString('base64url');
    // Most first turns need no statement but the session insert: run the steps without a
    // database, and only if one of them needs it, run them again in a transaction.
    const probe = databaseFreeContext(this.#storage);
    let first = await this.#firstTurn(probe.ctx, workspace, flow, request).catch((error: unknown) => {
      if (probe.used()) return undefined;
      throw error;
    });
    if (first && !probe.used()) {
      await insertTurn(this.#storage, first.state, resumeToken, first.rows, workspace.storageEnabled);
    } else {
      first = await inTransaction(this.#storage, async (trx) => {
        const again = await this.#firstTurn(trx, workspace, flow, request);
        await insertTurn(trx, again.state, resumeToken, again.rows, workspace.storageEnabled);
        return again;
      });
    }
    this.#keepEphemeral(workspace, first.state);
    this.#recent.keep({ state: first.state, workspace, flow: entry.flow });
    this.#events?.started(entry.flow);
    if (first.state.status === 'done') this.#events?.completed(entry.flow);
    return { session: { sessionId: first.state.id, resumeToken }, turn: first.turn };
  }

  /** Runs a new session's first steps; the session and its rows are for the caller to write. */
  async #firstTurn(ctx: StoreContext, workspace: TurnWorkspace, flow: FlowRecord, request: StartRequest): Promise<{ state: SessionState; turn: Turn; rows: PreparedStoreRow[] }> {
    const now = this.#clock.now();
    const state: SessionState = {
      id: uuidV7(),
      workspaceId: workspace.id,
      flowId: flow.id,
      flowVersion: flow.version,
      participantRef: newHashId(),
      stepId: null,
      status: 'active',
      seq: 0,
      variables: startingVariables(request.variables),
      personalVariables: {},
      device: request.device,
      ip: workspace.storageEnabled ? request.ip : null,
      lastTurn: null,
      recentReplies: [],
      stepsSeen: [],
      startedAt: now,
      updatedAt: now,
      expiresAt: now,
      preview: request.preview ?? false,
    };
    const definition = flow.definition;
    const writes = new TurnWrites(ctx, workspace);
    await queueInitialVariables(writes, state, request.variables);
    const messages: BotMessage[] = [];
    state.stepId = stepById(definition, definition.start).id;
    const result = await this.#runStep(ctx, writes, workspace, flow, state, state.stepId, { kind: 'enter' });
    const input = await this.#drive(ctx, writes, workspace, flow, state, result, messages);
    const turn = this.#finishTurn(workspace, state, messages, input, definition);
    return { state, turn, rows: writes.take() };
  }

  /**
   * Processes one reply exactly once; a repeated clientMessageId gets the same turn back. When
   * this process ran the session's previous turn, the reply runs on the state it kept and the
   * session is locked by a check riding with the turn's first statement (a reply whose steps
   * need no database is then one round trip); otherwise, or when the check finds the session
   * moved on, the turn locks and loads the session first.
   */
  async reply(sessionId: string, reply: EngineReply): Promise<ReplyAck> {
    const kept = this.#recent.take(sessionId);
    if (kept?.state.stepId && !kept.state.recentReplies.some((r) => r.id === reply.clientMessageId)) {
      try {
        const ack = await inTransaction(this.#storage, async (trx) => {
          const expected = await expectTurn(trx, sessionId, kept.state.seq);
          return this.#replyOn(trx, kept, reply, expected);
        });
        this.#afterReply(kept, ack);
        return ack;
      } catch (error) {
        if (!isSessionMovedOn(error)) throw error;
        this.#recent.forget(sessionId);
      }
    }
    let session: RecentSession | undefined;
    const ack = await inTransaction(this.#storage, async (trx) => {
      const locked = await lockTurn(trx, sessionId);
      if (!locked) throw new ParleyError('not_found', 'This chat session has expired; reload to start again');
      const { state, workspace } = locked;
      const seen = state.recentReplies.find((r) => r.id === reply.clientMessageId);
      if (seen && state.lastTurn) return { ok: true, turn: (this.#ephemeral.get(state.id)?.lastTurn ?? state.lastTurn) } satisfies ReplyAck;
      if (state.status === 'done' || !state.stepId) throw new ParleyError('conflict', 'This conversation has ended');
      this.#assertOpen(locked.flow);
      if (!workspace.storageEnabled) state.personalVariables = { ...this.#ephemeral.get(state.id)?.variables };
      session = locked;
      return this.#replyOn(trx, locked, reply);
    });
    if (session) this.#afterReply(session, ack);
    return ack;
  }

  /** Runs a reply on a session state (locked, or kept and checked as `expected` by `expectTurn`). */
  async #replyOn(trx: StoreContext, session: RecentSession, reply: EngineReply, expected?: TurnExpectation): Promise<ReplyAck> {
    const { state, workspace } = session;
    const flow = await this.#definitions.flow(trx.db, session.flow);
    const writes = new TurnWrites(trx, workspace);
    const result = await this.#runStep(trx, writes, workspace, flow, state, state.stepId!, { kind: 'reply', value: reply.value });
    if (result.type === 'invalid') {
      await writes.flush();
      // A kept state must still be current for its answer to count: send the check if nothing carried it.
      if (expected) await confirmTurn(trx);
      return { ok: false, error: result.error };
    }
    const messages: BotMessage[] = [];
    const input = await this.#drive(trx, writes, workspace, flow, state, result, messages);
    const turn = this.#finishTurn(workspace, state, messages, input, flow.definition);
    state.recentReplies = [...state.recentReplies, { id: reply.clientMessageId, seq: turn.seq }].slice(-RECENT_REPLIES);
    await updateTurn(trx, state, writes.take(), workspace.storageEnabled, expected);
    return { ok: true, turn };
  }

  /** After a committed reply: keeps the session's new state for its next turn in this process, and tells a completion. */
  #afterReply(session: RecentSession, ack: ReplyAck): void {
    if (!ack.ok) return;
    this.#keepEphemeral(session.workspace, session.state);
    this.#recent.keep(session);
    if (ack.turn.done) this.#events?.completed(session.flow);
  }

  /** Storage off: personal variables and the last turn's messages stay in this process only (bounded). */
  #keepEphemeral(workspace: TurnWorkspace, state: SessionState): void {
    if (workspace.storageEnabled) return;
    this.#ephemeral.delete(state.id);
    this.#ephemeral.set(state.id, { variables: state.personalVariables, lastTurn: state.lastTurn });
    if (this.#ephemeral.size > MAX_EPHEMERAL_SESSIONS) this.#ephemeral.delete(this.#ephemeral.keys().next().value!);
  }

  #assertOpen(flow: FlowHeader): void {
    const now = this.#clock.now();
    if (flow.status !== 'open' || (flow.opensAt && now < flow.opensAt) || (flow.closesAt && now >= flow.closesAt)) {
      throw new ParleyError('flow_closed', 'This operation is not open');
    }
  }

  /** Applies step results until a step waits for input or the flow ends. */
  async #drive(trx: StoreContext, writes: TurnWrites, workspace: TurnWorkspace, flow: FlowRecord, state: SessionState, first: StepResult, messages: BotMessage[]): Promise<InputRequest | null> {
    const definition = flow.definition;
    let result = first;
    for (let steps = 0; steps < MAX_STEPS_PER_TURN; steps += 1) {
      if (result.type === 'invalid') throw new ParleyError('internal', 'A step refused to start');
      messages.push(...result.messages);
      if (result.type === 'await') return result.input;
      const current = stepById(definition, state.stepId!);
      const nextId = result.type === 'next' ? (result.next ?? current.next) : undefined;
      if (!nextId) {
        state.status = 'done';
        state.stepId = null;
        return null;
      }
      state.stepId = stepById(definition, nextId).id;
      result = await this.#runStep(trx, writes, workspace, flow, state, nextId, { kind: 'enter' });
    }
    throw new ParleyError('internal', 'The flow ran too many steps in one turn');
  }

  async #runStep(trx: StoreContext, writes: TurnWrites, workspace: TurnWorkspace, flow: FlowRecord, state: SessionState, stepId: string, input: StepInput): Promise<StepResult> {
    const step = stepById(flow.definition, stepId);
    if (input.kind === 'enter' && !state.stepsSeen.includes(stepId)) state.stepsSeen.push(stepId);
    const registered = this.#registry.get(step.module);
    if (!registered) throw new ParleyError('module_unknown', 'Flow uses a module this server does not have');
    const scope: ModuleStoreScope & { flow: FlowRecord } = {
      ctx: trx,
      workspace: { id: workspace.id, timeZone: workspace.timeZone, storageEnabled: workspace.storageEnabled && !workspace.storageOffModules.includes(step.module) },
      flowId: flow.id,
      stepId,
      session: state,
      module: registered.definition,
      flow,
      writes,
    };
    const capabilities = buildCapabilities(this.#capabilities, scope, (capability, reads) => flushingFirst(capability, writes, reads));
    const ctx: StepContext<unknown> = {
      config: step.config,
      stepId,
      workspace: { id: workspace.id, timeZone: workspace.timeZone },
      flow: { id: flow.id, slug: flow.slug, hashId: flow.hashId, name: flow.name, opensAt: flow.opensAt, closesAt: flow.closesAt },
      session: { id: state.id, participantRef: state.participantRef, ...(state.device.country !== undefined && { country: state.device.country }), device: state.device },
      variables: sessionVariables(state),
      store: createModuleStore(scope),
      clock: this.#clock,
      capabilities,
      log: async (event, data) => {
        await writes.add({
          table: 'runtime_log', moduleId: registered.definition.id, defaultRetentionDays: 7, flowId: flow.id, sessionId: state.id, stepId,
          participantRef: state.participantRef, data: { event, ...data },
        });
      },
    };
    return registered.definition.handleStep(input, ctx);
  }

  #finishTurn(workspace: TurnWorkspace, state: SessionState, messages: BotMessage[], input: InputRequest | null, definition: FlowDefinition): Turn {
    const now = this.#clock.now();
    state.seq += 1;
    const module = state.stepId ? stepById(definition, state.stepId).module : null;
    const turn: Turn = { seq: state.seq, stepId: state.stepId, module, messages, input, done: state.status === 'done' };
    state.lastTurn = turn;
    state.updatedAt = now;
    const days = resolveRetentionDays(workspace.retention, 'variables', SESSION_MODULE);
    state.expiresAt = new Date(now.getTime() + days * 86_400_000);
    return turn;
  }
}
