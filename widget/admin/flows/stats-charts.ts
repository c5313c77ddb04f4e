import type { FlowStats } from '../api-types.js';
import { el, svgEl } from '../dom-builder.js';

const percent = (part: number, whole: number) => `${whole === 0 ? 0 : (100 * part) / whole}%`;

function legend(entries: ReadonlyArray<readonly [string, string]>): HTMLElement {
  return el('ul', { className: 'chart-legend', attrs: { 'aria-hidden': 'true' } }, entries.map(([swatch, label]) => el('li', {}, [el('span', { className: `swatch ${swatch}` }), label])));
}

/** A step's name as the console shows it: position, module title and step id. */
export function stepLabel(step: FlowStats['steps'][number], index: number): string {
  return `${index + 1}. ${step.title ?? step.module} (${step.stepId})`;
}

/**
 * The funnel drawn: per step its name, then a bar of the sessions that reached it (scaled to
 * the largest step) whose shaded end is the part that left there. Decorative (hidden from
 * assistive technology): the funnel table beside it carries the same figures.
 */
export function funnelChart(stats: FlowStats): HTMLElement {
  const widest = Math.max(1, stats.starts, ...stats.steps.map((s) => s.reached));
  const rows = stats.steps.map((step, i) => {
    const stayed = step.reached - step.leftHere;
    return el('li', { className: 'funnel-row' }, [
      el('span', { className: 'funnel-label', text: stepLabel(step, i) }),
      el('span', { className: 'muted funnel-figures', text: `${step.reached} reached · ${step.leftHere} left here · ${step.completed} completed` }),
      svgEl('svg', { class: 'funnel-bar', width: '100%', height: 14, focusable: 'false' }, [
        svgEl('rect', { class: 'bar-track', width: '100%', height: 14, rx: 3 }),
        svgEl('rect', { class: 'bar-reached', width: percent(stayed, widest), height: 14 }),
        svgEl('rect', { class: 'bar-left', x: percent(stayed, widest), width: percent(step.leftHere, widest), height: 14 }),
      ]),
    ]);
  });
  return el('div', { className: 'funnel', attrs: { 'aria-hidden': 'true' } }, [legend([['bar-reached', 'Went on'], ['bar-left', 'Left here']]), el('ol', {}, rows)]);
}

/**
 * Sessions started and completed per day as SVG bars (completed drawn inside started), with
 * the first and last day and the tallest count as labels. It is one image with a name that
 * sums it up; the table of days is its accessible alternative.
 */
export function dailyChart(stats: FlowStats): HTMLElement {
  const days = stats.byDay;
  const tallest = Math.max(1, ...days.map((d) => d.starts));
  const slot = 10;
  const height = (count: number) => (100 * count) / tallest;
  const bars = days.map((d, i) =>
    svgEl('g', {}, [
      svgEl('title', {}, [`${d.day}: ${d.starts} started, ${d.completions} completed`]),
      svgEl('rect', { class: 'bar-started', x: i * slot + 1, y: 100 - height(d.starts), width: slot - 2, height: height(d.starts) }),
      svgEl('rect', { class: 'bar-completed', x: i * slot + 2.5, y: 100 - height(d.completions), width: slot - 5, height: height(d.completions) }),
    ]),
  );
  const name = `Sessions per day from ${stats.from} to ${stats.to}: ${stats.starts} started, ${stats.completions} completed; the busiest day had ${Math.max(0, ...days.map((d) => d.starts))} starts`;
  const chart = svgEl('svg', { class: 'daily-chart', role: 'img', 'aria-label': name, viewBox: `0 0 ${days.length * slot} 100`, preserveAspectRatio: 'none', width: '100%', height: 160, focusable: 'false' }, [
    svgEl('line', { class: 'chart-axis', x1: 0, y1: 100, x2: days.length * slot, y2: 100 }),
    ...bars,
  ]);
  return el('div', { className: 'daily' }, [
    legend([['bar-started', 'Started'], ['bar-completed', 'Completed']]),
    el('div', { className: 'chart-frame' }, [el('span', { className: 'muted chart-top', attrs: { 'aria-hidden': 'true' }, text: String(tallest) }), chart]),
    el('div', { className: 'chart-days muted', attrs: { 'aria-hidden': 'true' } }, [el('span', { text: stats.from }), el('span', { text: stats.to })]),
  ]);
}
