import type { ModuleRegistry } from './module-registry.js';
import type { FlowStep } from './flow-definition.js';
import { ConfigError } from './errors.js';

/**
 * Refuses two steps that would offer exports the same field when one of them means its own rows
 * (a quiz's score, a rating, an A/B split's variant: `source.step`): exports could read only one
 * of them, and the other step's answers would silently never be exported. Fields shared on
 * purpose (two choices keeping one variable, any consent's latest answer) name no step and pass.
 * The error points at the later step's `variable`, where another name goes.
 */
export function refuseFieldClashes(steps: readonly FlowStep[], registry: ModuleRegistry): void {
  const offered = new Map<string, { readonly index: number; readonly own: boolean }>();
  for (const [index, step] of steps.entries()) {
    const definition = registry.get(step.module)?.definition;
    for (const field of definition?.fields?.(step.config, step.id) ?? []) {
      const own = field.source.step !== undefined;
      const earlier = offered.get(field.key);
      if (earlier && earlier.index !== index && (own || earlier.own)) {
        const name = (i: number) => `${i + 1} (${registry.get(steps[i]!.module)?.definition.title ?? 'step'})`;
        throw new ConfigError(`Steps ${name(earlier.index)} and ${name(index)} would export the same field, and only one could be read: give this step a variable of its own`, `/steps/${index}/config/variable`);
      }
      if (!earlier) offered.set(field.key, { index, own });
    }
  }
}
