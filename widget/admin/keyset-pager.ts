/**
 * Where a keyset-paged view stands: the cursors that led to each page seen so far. Immutable:
 * every move returns a new state.
 */
export interface PagerState {
  /** Cursor of each page after the first, in order (the first page has none). */
  readonly cursors: readonly string[];
}

export const FIRST_PAGE: PagerState = Object.freeze({ cursors: Object.freeze([]) as readonly string[] });

/** The `after` cursor of the current page (undefined on the first page). */
export function currentCursor(state: PagerState): string | undefined {
  return state.cursors[state.cursors.length - 1];
}

/** 1-based number of the current page. */
export function pageNumber(state: PagerState): number {
  return state.cursors.length + 1;
}

/** The next page, reached with the `next` cursor the current page returned. */
export function nextPage(state: PagerState, next: string): PagerState {
  return Object.freeze({ cursors: Object.freeze([...state.cursors, next]) });
}

/** The previous page (the first page stays the first). */
export function previousPage(state: PagerState): PagerState {
  return state.cursors.length === 0 ? state : Object.freeze({ cursors: Object.freeze(state.cursors.slice(0, -1)) });
}
