import { el, type Child } from './dom-builder.js';
import { FIRST_PAGE, nextPage, pageNumber, previousPage, type PagerState } from './keyset-pager.js';

/** Previous/Next buttons and the page number of a keyset-paged view. */
export interface PagerControls {
  readonly element: HTMLElement;
  /** The page shown now. */
  readonly state: PagerState;
  /** Records the page just shown and the `next` cursor it returned (null on the last page). */
  shown(state: PagerState, next: string | null): void;
}

/**
 * A `nav` named `label` with Previous, "Page N" (announced politely) and Next, in a pager bar
 * that may hold `extras` (e.g. a page-size field). The buttons call `go` with the page to show;
 * the view calls `shown` once it has shown it.
 *
 * @example
 * const pager = createPagerControls('Winners pages', (state) => void load(state));
 */
export function createPagerControls(label: string, go: (state: PagerState) => void, extras: readonly Child[] = []): PagerControls {
  let state: PagerState = FIRST_PAGE;
  let next: string | null = null;
  const previous = el('button', { className: 'button', attrs: { type: 'button', disabled: true }, text: 'Previous', on: { click: () => go(previousPage(state)) } });
  const following = el('button', { className: 'button', attrs: { type: 'button', disabled: true }, text: 'Next', on: { click: () => next !== null && go(nextPage(state, next)) } });
  const position = el('span', { className: 'page-number', attrs: { 'aria-live': 'polite' } });
  const element = el('div', { className: 'pager' }, [el('nav', { className: 'pager-buttons', attrs: { 'aria-label': label } }, [previous, position, following]), ...extras]);
  return {
    element,
    get state() {
      return state;
    },
    shown(page: PagerState, cursor: string | null) {
      state = page;
      next = cursor;
      previous.disabled = pageNumber(state) === 1;
      following.disabled = next === null;
      position.textContent = `Page ${pageNumber(state)}`;
    },
  };
}
