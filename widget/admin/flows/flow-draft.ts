import type { FlowDetail, FlowStepDocument, ModuleInfo } from '../api-types.js';

/**
 * A step as the builder holds it: its module and config, and what follows it: `then` undefined
 * means the step below it (or the end, for the last), `'end'` ends the flow, a step id jumps there.
 */
export interface DraftStep {
  readonly id: string;
  readonly module: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly then?: string;
}

/** `then` value that ends the flow after a step. */
export const END_OF_FLOW = '#end';

const STEP_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * The steps of a saved flow in the order they run: from `start` along each step's `next`, then
 * any step no `next` reaches (reachable only by a branch), in document order.
 */
export function stepsInRunOrder(flow: Pick<FlowDetail, 'start' | 'steps'>): DraftStep[] {
  const byId = new Map(flow.steps.map((step) => [step.id, step]));
  const ordered: FlowStepDocument[] = [];
  const seen = new Set<string>();
  for (let step = byId.get(flow.start); step && !seen.has(step.id); step = step.next ? byId.get(step.next) : undefined) {
    seen.add(step.id);
    ordered.push(step);
  }
  for (const step of flow.steps) if (!seen.has(step.id)) ordered.push(step);
  // A `next` other than the step below (a jump), or none before the last step (an end), is kept.
  return ordered.map(({ id, module, config, next }, i) => {
    const below = ordered[i + 1]?.id;
    const then = next === below ? undefined : next ?? (below === undefined ? undefined : END_OF_FLOW);
    return { id, module, config, ...(then !== undefined && { then }) };
  });
}

/** A step id for a new step of `moduleId` that no step of the flow uses yet (`email-capture`, `email-capture-2`, …). */
export function newStepId(moduleId: string, steps: readonly DraftStep[]): string {
  const taken = new Set(steps.map((step) => step.id));
  const base = moduleId.toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 56) || 'step';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * The steps of the document `PUT /flows/{id}` takes: each step goes on to the one below it, unless
 * it ends the flow or jumps to another step (a jump to a step that was removed falls back to order).
 */
export function stepDocuments(steps: readonly DraftStep[]): FlowStepDocument[] {
  const ids = new Set(steps.map((step) => step.id));
  return steps.map((step, i) => {
    const below = steps[i + 1]?.id;
    const next = step.then === END_OF_FLOW ? undefined : step.then !== undefined && ids.has(step.then) ? step.then : below;
    return { id: step.id, module: step.module, config: step.config, ...(next !== undefined && { next }) };
  });
}

/** `steps` with the step at `from` moved to `to` (both clamped); the same array when nothing moves. */
export function moveStep<T>(steps: readonly T[], from: number, to: number): readonly T[] {
  const target = Math.max(0, Math.min(steps.length - 1, to));
  if (from === target || from < 0 || from >= steps.length) return steps;
  const next = [...steps];
  const [moved] = next.splice(from, 1);
  next.splice(target, 0, moved!);
  return next;
}

/** A flow id from a flow name: lowercase, dashes, at most 64 characters (`Hello World!` → `hello-world`). */
export function flowIdFromName(name: string): string {
  const slug = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return STEP_ID.test(slug) ? slug : '';
}

/** One line that says what a step does: its first text, question or label, else its module's description. */
export function stepSummary(step: DraftStep, module: ModuleInfo | undefined): string {
  for (const key of ['text', 'question', 'label']) {
    const value = step.config[key];
    if (typeof value === 'string' && value.trim() !== '') return value.length > 80 ? `${value.slice(0, 79)}…` : value;
  }
  return module?.description ?? '';
}

/** Where a JSON path of a `PUT /flows` refusal points: a flow field, or a step and the path inside its config. */
export type FlowErrorTarget = { readonly kind: 'flow'; readonly field: string } | { readonly kind: 'step'; readonly index: number; readonly path: string };

export function flowErrorTarget(path: string | undefined): FlowErrorTarget | undefined {
  if (!path) return undefined;
  const step = /^\/steps\/(\d+)(\/.*)?$/.exec(path);
  if (step) return { kind: 'step', index: Number(step[1]), path: step[2] ?? '' };
  const field = /^\/(name|status|opensAt|closesAt)$/.exec(path);
  return field ? { kind: 'flow', field: field[1]! } : undefined;
}
