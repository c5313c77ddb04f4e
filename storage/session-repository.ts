import { createHash } from 'node:crypto';
import type { StoreContext } from './store-context.js';
import type { ChatSessionRow } from './schema.js';
import type { Turn } from '../core/chat-protocol.js';

export type Scalar = string | number | boolean;

/** Non-personal facts about the visitor's device, kept with the session and copied to participations. */
export interface DeviceFacts {
  readonly mobile?: boolean;
  readonly originUrl?: string;
  readonly browser?: string;
  readonly platform?: string;
  readonly country?: string;
  readonly screenWidth?: number;
  readonly screenHeight?: number;
  readonly language?: string;
}

/** A chat session's state as the engine sees it (personal values decrypted). */
export interface SessionState {
  readonly id: string;
  readonly workspaceId: string;
  readonly flowId: string;
  /** The flow version this session runs (kept from its start); null: started before versions were kept. */
  readonly flowVersion: number | null;
  readonly participantRef: string;
  stepId: string | null;
  status: 'active' | 'done';
  seq: number;
  variables: Record<string, Scalar>;
  personalVariables: Record<string, Scalar>;
  device: DeviceFacts;
  /** Personal device fact (the IP address); encrypted with the personal variables. */
  ip: string | null;
  lastTurn: Turn | null;
  recentReplies: Array<{ id: string; seq: number }>;
  /** The steps shown so far, in first-shown order (what flow statistics count as reached). */
  stepsSeen: string[];
  readonly startedAt: Date;
  updatedAt: Date;
  expiresAt: Date;
  /** Started from the console's preview (a signed preview token): its rows count nowhere. */
  readonly preview?: boolean;
}

export function hashResumeToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

interface PersonalBlob {
  variables: Record<string, Scalar>;
  ip: string | null;
  /** The last turn with its bot messages, which may quote personal values. */
  lastTurn?: Turn | null;
}

/** Bot messages may interpolate personal values: in clear, only the turn without them is kept. */
export function turnSkeleton(turn: Turn | null): string | null {
  return turn ? JSON.stringify({ ...turn, messages: [] }) : null;
}

export async function sealPersonal(ctx: StoreContext, state: SessionState, storePersonal: boolean): Promise<Buffer | null> {
  if (!storePersonal) return null;
  const blob: PersonalBlob = { variables: state.personalVariables, ip: state.ip, lastTurn: state.lastTurn };
  return ctx.keyring.encryptJson(state.workspaceId, blob);
}

/** A session row as the engine sees it, personal values decrypted. */
export async function toState(ctx: StoreContext, row: ChatSessionRow): Promise<SessionState> {
  const personal: PersonalBlob = row.personal ? await ctx.keyring.decryptJson<PersonalBlob>(row.workspace_id, row.personal) : { variables: {}, ip: null };
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    flowId: row.flow_id,
    flowVersion: row.flow_version,
    participantRef: row.participant_ref,
    stepId: row.step_id,
    status: row.status,
    seq: row.seq,
    variables: row.variables,
    personalVariables: personal.variables,
    device: row.device as DeviceFacts,
    ip: personal.ip,
    lastTurn: personal.lastTurn ?? row.last_turn,
    recentReplies: row.recent_replies,
    stepsSeen: row.steps_seen,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    preview: row.preview,
  };
}

/** Loads a live session and locks it until the caller's transaction ends (one turn at a time). */
export async function lockSession(ctx: StoreContext, id: string): Promise<SessionState | undefined> {
  const row = await ctx.db
    .selectFrom('chat_sessions')
    .selectAll()
    .where('id', '=', id)
    .where('expires_at', '>', ctx.clock.now())
    .forUpdate()
    .executeTakeFirst();
  return row ? toState(ctx, row) : undefined;
}

/** The live session a resume token belongs to, for one workspace and flow. */
export async function findSessionByToken(ctx: StoreContext, token: string, workspaceId: string, flowId: string): Promise<SessionState | undefined> {
  const row = await ctx.db
    .selectFrom('chat_sessions')
    .selectAll()
    .where('resume_token_hash', '=', hashResumeToken(token))
    .where('workspace_id', '=', workspaceId)
    .where('flow_id', '=', flowId)
    .where('expires_at', '>', ctx.clock.now())
    .executeTakeFirst();
  return row ? toState(ctx, row) : undefined;
}
