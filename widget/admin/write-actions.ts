/**
 * Attributes (spread into `attrs`) of a control that changes something: a console signed in
 * with a read-only key hides it (`.console-read-only [data-writes]` in admin-styles), since the API
 * would refuse what it does. What only reads (look, preview, download) stays.
 *
 * @example el('button', { attrs: { type: 'button', ...WRITES }, text: 'Delete' })
 */
export const WRITES = Object.freeze({ 'data-writes': true });
