import { sql } from 'kysely';
import type { Db } from './database.js';
import type { FlowDefinition } from '../core/flow-definition.js';

/** One saved version of a flow, as the history lists it. */
export interface FlowVersionSummary {
  readonly version: number;
  readonly name: string;
  readonly createdAt: Date;
  readonly stepCount: number;
}

/** One saved version with its definition (immutable once written; see saveFlow). */
export interface FlowVersion extends FlowVersionSummary {
  readonly definition: FlowDefinition;
}

/** Every saved version of a flow, newest first. */
export async function listFlowVersions(db: Db, flowId: string): Promise<FlowVersionSummary[]> {
  const result = await sql<{ version: number; name: string; created_at: Date; step_count: number }>`
    select version, name, created_at, jsonb_array_length(definition->'steps') as step_count
    from flow_versions where flow_id = ${flowId} order by version desc`.execute(db);
  return result.rows.map((row) => ({ version: row.version, name: row.name, createdAt: row.created_at, stepCount: row.step_count }));
}

/** One saved version of a flow, or undefined. */
export async function getFlowVersion(db: Db, flowId: string, version: number): Promise<FlowVersion | undefined> {
  const row = await db.selectFrom('flow_versions').selectAll().where('flow_id', '=', flowId).where('version', '=', version).executeTakeFirst();
  if (!row) return undefined;
  return { version: row.version, name: row.name, createdAt: row.created_at, stepCount: row.definition.steps.length, definition: row.definition };
}
