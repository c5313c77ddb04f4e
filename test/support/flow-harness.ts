import { randomUUID } from 'node:crypto';
import type { Reply, ReplyAck, Turn } from '../../core/chat-protocol.js';
import { FlowEngine } from '../../runtime/engine/flow-engine.js';
import type { CapabilityFactories } from '../../runtime/capabilities/capability-factory.js';
import { closeFlowNow, saveFlowDocument } from '../../runtime/engine/flow-lifecycle.js';
import { CAPABILITIES } from '../../runtime/capabilities.js';
import { ModuleRegistry } from '../../core/module-registry.js';
import { MODULES } from '../../modules/index.js';
import type { FlowRecord } from '../../storage/flow-repository.js';
import { createWorkspace, type Workspace } from '../../storage/workspace-repository.js';
import type { TestStorage } from './test-database.js';

export const registry = new ModuleRegistry(MODULES);

/** Validates and saves a flow document the way the API does (module save hooks included). */
export async function saveTestFlow(storage: TestStorage, workspace: Workspace, slug: string, document: unknown, capabilities: CapabilityFactories = CAPABILITIES): Promise<FlowRecord> {
  const { flow } = await saveFlowDocument({ storage, registry, clock: storage.clock, capabilities }, workspace, slug, document);
  return flow;
}

/** Closes a flow the way the API does (module close hooks included). */
export async function closeTestFlow(storage: TestStorage, workspace: Workspace, slug: string, capabilities: CapabilityFactories = CAPABILITIES) {
  return closeFlowNow({ storage, registry, clock: storage.clock, capabilities }, workspace, slug);
}

/** One visitor walking one flow through the engine (no socket), for module and engine tests. */
export class TestVisitor {
  sessionId = '';
  resumeToken = '';
  turn: Turn | undefined;

  constructor(readonly engine: FlowEngine, readonly workspaceId: string, readonly flowSlug: string) {}

  async start(resumeToken?: string): Promise<Turn> {
    const started = await this.engine.start({ workspaceId: this.workspaceId, flowSlug: this.flowSlug, resumeToken, device: { mobile: false, browser: 'Test' }, ip: '192.0.2.7' });
    this.sessionId = started.session.sessionId;
    this.resumeToken = started.session.resumeToken;
    this.turn = started.turn;
    return started.turn;
  }

  async send(value: string | boolean, clientMessageId: string = randomUUID()): Promise<ReplyAck> {
    const reply: Reply = { clientMessageId, value };
    const ack = await this.engine.reply(this.sessionId, reply);
    if (ack.ok) this.turn = ack.turn;
    return ack;
  }

  /** Sends and expects the turn to be accepted. */
  async answer(value: string | boolean): Promise<Turn> {
    const ack = await this.send(value);
    if (!ack.ok) throw new Error(`reply refused: ${ack.error.code} ${ack.error.message}`);
    return ack.turn;
  }

  texts(turn: Turn | undefined = this.turn): string[] {
    return (turn?.messages ?? []).map((m) => (m.kind === 'text' ? m.text : m.kind === 'link' ? `[${m.label}](${m.url})` : `[${m.filled}/${m.goal} stamps]`));
  }
}

export async function flowSetup(storage: TestStorage, options: { workspace?: Record<string, unknown>; capabilities?: CapabilityFactories } = {}) {
  const workspace = await createWorkspace(storage, { name: 'Flows', timeZone: 'Europe/Paris', ...options.workspace });
  const engine = new FlowEngine({ storage, registry, clock: storage.clock, capabilities: options.capabilities ?? CAPABILITIES });
  return { workspace, engine, visitor: (slug: string) => new TestVisitor(engine, workspace.id, slug) };
}
