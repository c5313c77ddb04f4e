/**
 * Attributes (spread into `attrs`) of a control that changes something: a console signed in
 * with a read-only key hides it (`.console-read-only [data-writes]` in admin-styles), since the API
 * would refuse what it does. What only reads (look, preview, download) stays.
 *
 * @example el('button', { attrs: { type: 'button', ...WRITES }, text: 'Delete' })
 */
export const WRITES = Object.freeze({ 'data-writes': true });

/**
 * Attributes of a control that changes the workspace's settings (the API's `workspace` part) from
 * another section, such as a step's retention in the flow builder: hidden for a key without that
 * part (`.console-no-settings`), and, as every `WRITES` control, for a read-only key.
 */
export const WRITES_SETTINGS = Object.freeze({ 'data-writes': 'settings' });
