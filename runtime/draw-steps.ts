import { ParleyError, ValidationError } from '../core/errors.js';
import type { FlowStep } from '../core/flow-definition.js';
import type { DrawPrize } from '../core/prize.js';
import type { ModuleRegistry } from '../core/module-registry.js';
import type { FlowRecord } from '../storage/flow-repository.js';

/** The steps of a saved flow whose module draws winners (the giveaway), in flow order. */
export function drawSteps(flow: FlowRecord, registry: ModuleRegistry): FlowStep[] {
  return flow.definition.steps.filter((step) => registry.get(step.module)?.definition.admin?.winnerDraws === true);
}

/**
 * The prize a draw gives (see `DrawRequest.prize`): that of `stepId`'s step, or for a flow-wide
 * draw the prize every draw step names alike; none when they differ or one names none.
 */
export function drawPrize(flow: FlowRecord, registry: ModuleRegistry, stepId?: string | null): DrawPrize | undefined {
  const steps = drawSteps(flow, registry).filter((step) => stepId === undefined || stepId === null || step.id === stepId);
  const prizes = steps.map((step) => registry.get(step.module)?.definition.drawPrize?.(step.config));
  const [first] = prizes;
  const alike = (prize: DrawPrize | undefined) => prize?.id === first?.id && prize?.title === first?.title && prize?.description === first?.description;
  return first && prizes.every(alike) ? first : undefined;
}

/**
 * The module a draw of this flow draws from: that of `stepId` when given (it must be a draw
 * step), else that of the flow's draw steps. `conflict` when the flow has none.
 */
export function drawModule(flow: FlowRecord, registry: ModuleRegistry, stepId?: string | null): string {
  const steps = drawSteps(flow, registry);
  if (steps.length === 0) throw new ParleyError('conflict', 'This flow has no giveaway step to draw winners from');
  if (stepId === undefined || stepId === null) return steps[0]!.module;
  const step = steps.find((candidate) => candidate.id === stepId);
  if (!step) throw new ValidationError('This flow has no giveaway step with this id', '/stepId');
  return step.module;
}
