import { ApiError } from '../api-client.js';
import type { FlowStats } from '../api-types.js';
import type { ConsoleContext } from '../console-context.js';
import { el, replaceChildren, uniqueId } from '../dom-builder.js';
import { createField, type FormField } from '../form-field.js';
import { errorMessage } from '../status-messages.js';
import { dailyChart, funnelChart, stepLabel } from './stats-charts.js';

const rate = (stats: FlowStats) => (stats.completionRate === null ? '—' : `${Math.round(stats.completionRate * 1000) / 10} %`);

/** A module's score as read: a percentage, or signed points (a net promoter score of +32). */
const scoreText = (score: FlowStats['scores'][number]) => (score.unit === 'percent' ? `${score.value} %` : score.value > 0 ? `+${score.value}` : String(score.value));

function table(caption: string, columns: readonly string[], rows: ReadonlyArray<readonly [string, ...Array<string | number>]>): HTMLElement {
  return el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': caption, tabindex: 0 } }, [
    el('table', { className: 'rows stats-table' }, [
      el('caption', { className: 'sr-only', text: caption }),
      el('thead', {}, [el('tr', {}, columns.map((name, i) => el('th', { className: i > 0 ? 'number' : undefined, attrs: { scope: 'col' }, text: name })))]),
      el('tbody', {}, rows.map(([head, ...cells]) => el('tr', {}, [el('th', { attrs: { scope: 'row' }, text: head }), ...cells.map((cell) => el('td', { className: 'number', text: String(cell) }))]))),
    ]),
  ]);
}

function summary(stats: FlowStats): HTMLElement {
  const figures: ReadonlyArray<readonly [string, string]> = [
    ['Started', String(stats.starts)],
    ['Completed', String(stats.completions)],
    ['Completion rate', rate(stats)],
    ['Instant-win wins', String(stats.instantWinWins)],
    ['Giveaway entries', String(stats.giveawayEntries)],
    ['Loyalty stamps', String(stats.loyaltyStamps)],
    ['Full loyalty cards', String(stats.loyaltyCards)],
    ['Quizzes finished', String(stats.quizzesCompleted)],
    ['Quizzes passed', String(stats.quizzesPassed)],
    ['Ratings', String(stats.ratings)],
    ['High ratings (4–5 stars, NPS promoters)', String(stats.ratingsHigh)],
    ['Low ratings (1–2 stars, NPS detractors)', String(stats.ratingsLow)],
    ...stats.scores.map((score) => [score.label, scoreText(score)] as const),
  ];
  return el('div', { className: 'stats-summary' }, figures.map(([label, value]) => {
    const id = uniqueId('figure');
    return el('div', { className: 'card', attrs: { role: 'group', 'aria-labelledby': id } }, [el('span', { className: 'figure-label', attrs: { id }, text: label }), el('span', { className: 'figure-value', text: value })]);
  }));
}

function section(title: string, children: readonly HTMLElement[]): HTMLElement {
  const id = uniqueId('stats');
  return el('section', { className: 'stats-section', attrs: { 'aria-labelledby': id } }, [el('h3', { attrs: { id }, text: title }), ...children]);
}

function results(stats: FlowStats): HTMLElement[] {
  return [
    summary(stats),
    section('Funnel', [
      el('p', { className: 'muted', text: 'Per step: sessions shown it, those whose last step it is and that did not complete, and those shown it that completed (compare an A/B split’s variants by their steps).' }),
      funnelChart(stats),
      table('Funnel by step', ['Step', 'Reached', 'Left here', 'Completed', 'Completion rate'], stats.steps.map((s, i) => [stepLabel(s, i), s.reached, s.leftHere, s.completed, completionRate(s)])),
    ]),
    section('By day', [
      dailyChart(stats),
      el('details', { className: 'stats-days' }, [el('summary', { text: 'Show the days as a table' }), table('Sessions by day', ['Day', 'Started', 'Completed'], stats.byDay.map((d) => [d.day, d.starts, d.completions]))]),
    ]),
  ];
}

/**
 * A flow's statistics: a range of days in the workspace's time zone (the last 30 by default),
 * the totals, the funnel per step and the sessions of each day, each chart with a table of the
 * same figures. A refused range shows at the field it names.
 */
export async function showFlowStats(panel: HTMLElement, ctx: ConsoleContext, options: { readonly flowId: string; readonly flowName: string; readonly onDone: () => void }): Promise<void> {
  const zone = ctx.workspace().timeZone;
  const day = (label: string) => createField({ label, control: el('input', { className: 'input', attrs: { type: 'date' } }), hint: `A day in ${zone}.` });
  const fields = new Map<string, FormField>([['from', day('From')], ['to', day('To')]]);
  const alert = el('p', { className: 'error', attrs: { role: 'alert' } });
  const output = el('div', { className: 'stats-results' }, [el('p', { className: 'muted', text: 'Loading statistics…' })]);
  const form = el('form', { className: 'card stats-range', attrs: { 'aria-label': 'Date range', novalidate: true } }, [
    ...[...fields.values()].map((field) => field.element),
    el('div', { className: 'actions' }, [el('button', { className: 'button primary', attrs: { type: 'submit' }, text: 'Show' })]),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  const back = el('button', { className: 'button', attrs: { type: 'button' }, text: 'Back to flows', on: { click: () => options.onDone() } });
  replaceChildren(panel, [
    el('div', { className: 'view-head' }, [
      el('div', {}, [el('h2', { text: `Statistics: ${options.flowName}` }), el('p', { className: 'muted', text: `Sessions count on the day they started (${zone}); wins and entries on the day they happened. Console previews are not counted.` })]),
      el('div', { className: 'toolbar' }, [back]),
    ]),
    form,
    alert,
    output,
  ]);

  async function load(): Promise<void> {
    alert.textContent = '';
    for (const field of fields.values()) field.clearError();
    try {
      const stats = await ctx.api.flowStats(options.flowId, { from: fields.get('from')!.control.value, to: fields.get('to')!.control.value });
      fields.get('from')!.control.value = stats.from;
      fields.get('to')!.control.value = stats.to;
      replaceChildren(output, results(stats));
      ctx.announce(`Statistics from ${stats.from} to ${stats.to}: ${stats.starts} started, ${stats.completions} completed.`);
    } catch (failure) {
      const field = failure instanceof ApiError ? fields.get(failure.path?.replace(/^\/query\//, '') ?? '') : undefined;
      if (field) field.showError(errorMessage(failure));
      else alert.textContent = errorMessage(failure);
      if (output.querySelector('.muted:only-child')) replaceChildren(output, []);
    }
  }
  await load();
}

/** Of the sessions shown a step, the share that completed, in whole percent; a dash when none was shown it. */
function completionRate(step: { readonly reached: number; readonly completed: number }): string {
  return step.reached === 0 ? '—' : `${Math.round((step.completed * 100) / step.reached)} %`;
}
