/** One stored value as a label and plain text. */
export interface ValueEntry {
  readonly key: string;
  readonly text: string;
}

/**
 * The entries of a row's `data` or `personal` object as text (strings as they are, anything
 * else as JSON). The caller puts them in the page with textContent, never as HTML.
 *
 * @example
 * describeValues({ email: 'a@example.org', n: 2 }) // [{ key: 'email', text: 'a@example.org' }, { key: 'n', text: '2' }]
 */
export function describeValues(values: Readonly<Record<string, unknown>> | null): ValueEntry[] {
  if (!values) return [];
  return Object.entries(values).map(([key, value]) => ({ key, text: typeof value === 'string' ? value : JSON.stringify(value) ?? String(value) }));
}
