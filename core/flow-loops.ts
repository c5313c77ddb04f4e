import type { ModuleRegistry } from './module-registry.js';
import type { FlowStep } from './flow-definition.js';
import { ConfigError } from './errors.js';

/** A way on from a step in the same turn: to `step`, named at `path` of the flow document. */
interface Way {
  readonly to: string;
  readonly path: string;
}

/**
 * Refuses steps that go on to one another without ever waiting for the participant, in a loop
 * (a condition sending back to a message that leads to it again): a turn entering them would run
 * until the engine gave up, mid-conversation. A loop through a step that waits (a question, a
 * quiz tried again after failing) is a conversation and is fine. Only steps whose module says it
 * always waits (`waits`) break a loop; the others may go on to their `next` or any branch. The
 * error names the loop's steps by place and points at the way on that closes it.
 */
export function refuseRestlessLoops(steps: readonly FlowStep[], registry: ModuleRegistry): void {
  const index = new Map(steps.map((step, i) => [step.id, i]));
  // Steps by place and module title, as the builder lists them (ids are the owner's own input).
  const name = (i: number) => `${i + 1} (${registry.get(steps[i]!.module)?.definition.title ?? 'step'})`;
  const ways = new Map<string, Way[]>();
  for (const [i, step] of steps.entries()) {
    const definition = registry.get(step.module)?.definition;
    if (definition?.waits?.(step.config)) continue;
    const out: Way[] = (definition?.branches?.(step.config) ?? []).map((branch) => ({ to: branch.step, path: `/steps/${i}/config${branch.path}` }));
    if (step.next !== undefined) out.push({ to: step.next, path: `/steps/${i}/next` });
    ways.set(step.id, out);
  }
  // Depth-first over the steps that go on; a way back to a step on the current path closes a loop.
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (id: string): void => {
    path.push(id);
    for (const way of ways.get(id) ?? []) {
      if (!ways.has(way.to) || done.has(way.to)) continue;
      const at = path.indexOf(way.to);
      if (at >= 0) {
        const loop = [...path.slice(at), way.to].map((step) => name(index.get(step)!)).join(' → ');
        throw new ConfigError(`Steps ${loop} go on to one another without waiting for the participant, so a conversation would never stop: make one of them a question or lead elsewhere`, way.path);
      }
      visit(way.to);
    }
    path.pop();
    done.add(id);
  };
  for (const id of ways.keys()) if (!done.has(id)) visit(id);
}
