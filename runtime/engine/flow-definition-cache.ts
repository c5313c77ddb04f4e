import type { Db } from '../../storage/database.js';
import type { FlowRecord } from '../../storage/flow-repository.js';
import { getFlowDefinition, type FlowHeader } from '../../storage/turn-repository.js';
import { ParleyError } from '../../core/errors.js';
import type { FlowDefinition } from '../../core/flow-definition.js';

const DEFAULT_LIMIT = 1_000;

/**
 * Flow definitions by (flow id, version). Saving a flow makes a new version and never changes
 * an old one, so a process may keep them as long as it likes: a turn reads its flow's version
 * in the statement that locks its session and finds the definition here. Bounded (least
 * recently used out first). Cached definitions are shared: nothing may modify them.
 */
export class FlowDefinitionCache {
  readonly #entries = new Map<string, FlowDefinition>();
  readonly #limit: number;

  constructor(limit = DEFAULT_LIMIT) {
    this.#limit = limit;
  }

  /** The flow `header` names, with the definition of `header.version` (read once per version per process). */
  async flow(db: Db, header: FlowHeader): Promise<FlowRecord> {
    const key = `${header.id}:${header.version}`;
    const cached = this.#entries.get(key);
    if (cached) {
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return { ...header, definition: cached };
    }
    const definition = await getFlowDefinition(db, header.id, header.version);
    if (!definition) throw new ParleyError('not_found', 'No such flow');
    this.#entries.set(key, definition);
    if (this.#entries.size > this.#limit) this.#entries.delete(this.#entries.keys().next().value!);
    return { ...header, definition };
  }
}
