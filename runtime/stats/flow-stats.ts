import { ROW_STATISTICS, statisticRows, type RowStatisticCounts, type StatisticScore } from '../../core/module-contract.js';
import type { ModuleRegistry } from '../../core/module-registry.js';
import type { Db } from '../../storage/database.js';
import type { FlowRecord } from '../../storage/flow-repository.js';
import { readFlowStats, stepModulesOfVersions, type FlowStatsCounts } from '../../storage/flow-stats-repository.js';
import type { RowStatisticSource } from '../../storage/flow-stats-sql.js';
import type { StatsRange } from './stats-range.js';
import type { FlowStatsReport, StepStats } from '../../core/flow-stats-report.js';

/** The store rows the registry's modules count towards statistics (their `statistics` declarations). */
export function rowStatisticSources(registry: ModuleRegistry): RowStatisticSource[] {
  return registry.list().flatMap((module) =>
    ROW_STATISTICS.flatMap((statistic) => {
      const rows = module.statistics?.[statistic];
      return rows ? [{ statistic, moduleId: module.id, ...statisticRows(rows) }] : [];
    }),
  );
}

/** What each module of the flow's current steps makes of the counts (`ModuleDefinition.scores`), given those steps' configs. */
function moduleScores(registry: ModuleRegistry, flow: FlowRecord, counts: RowStatisticCounts): StatisticScore[] {
  const configs = new Map<string, unknown[]>();
  for (const step of flow.definition.steps) configs.set(step.module, [...(configs.get(step.module) ?? []), step.config]);
  return [...configs].flatMap(([id, of]) => registry.get(id)?.definition.scores?.(of, counts) ?? []);
}

/**
 * A flow's statistics over a range of days: totals, the funnel in the order of the flow's
 * current steps (then any step a later save removed, that still has counts) and every day of the
 * range, with zeros where nothing happened.
 */
export async function flowStatistics(db: Db, registry: ModuleRegistry, flow: FlowRecord, range: StatsRange, timeZone: string): Promise<FlowStatsReport> {
  const counts = await readFlowStats(db, { workspaceId: flow.workspaceId, flowId: flow.id, from: range.from, to: range.to, sources: rowStatisticSources(registry) });
  const whole = counts.filter((c) => c.stepId === '');
  const sum = (rows: readonly FlowStatsCounts[], key: keyof Omit<FlowStatsCounts, 'day' | 'stepId'>) => rows.reduce((n, r) => n + r[key], 0);
  const starts = sum(whole, 'starts');
  const completions = sum(whole, 'completions');
  const byStep = new Map<string, { reached: number; leftHere: number; completed: number }>();
  for (const c of counts) {
    if (c.stepId === '') continue;
    const step = byStep.get(c.stepId) ?? { reached: 0, leftHere: 0, completed: 0 };
    byStep.set(c.stepId, { reached: step.reached + c.reached, leftHere: step.leftHere + c.leftHere, completed: step.completed + c.completed });
  }
  const modules = new Map(flow.definition.steps.map((s) => [s.id, s.module]));
  const removed = [...byStep.keys()].filter((id) => !modules.has(id)).sort();
  if (removed.length > 0) {
    const earlier = await stepModulesOfVersions(db, flow.id);
    for (const id of removed) modules.set(id, earlier.get(id) ?? 'unknown');
  }
  const steps = [...modules].map(([stepId, module]): StepStats => {
    const title = registry.get(module)?.definition.title;
    const step = byStep.get(stepId);
    return { stepId, module, ...(title && { title }), reached: step?.reached ?? 0, leftHere: step?.leftHere ?? 0, completed: step?.completed ?? 0 };
  });
  const perDay = new Map(whole.map((c) => [c.day, c]));
  const totals = Object.fromEntries(ROW_STATISTICS.map((statistic) => [statistic, sum(whole, statistic)])) as RowStatisticCounts;
  return {
    from: range.from,
    to: range.to,
    timeZone,
    starts,
    completions,
    completionRate: starts === 0 ? null : completions / starts,
    steps,
    ...totals,
    scores: moduleScores(registry, flow, totals),
    byDay: range.days.map((day) => ({ day, starts: perDay.get(day)?.starts ?? 0, completions: perDay.get(day)?.completions ?? 0 })),
  };
}
