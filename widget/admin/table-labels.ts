/** Friendly names of the store tables, in the order the console shows their tabs. */
export const TABLE_LABELS: Readonly<Record<string, string>> = Object.freeze({
  participations: 'Giveaway participations',
  winners: 'Winners',
  consents: 'Consents',
  instant_win_claims: 'Instant win claims',
  codes: 'Codes',
  loyalty: 'Loyalty',
  variables: 'Variables',
  files: 'Files',
  runtime_log: 'Runtime log',
});

/** The friendly name of a table; an unknown table gets its name with spaces. */
export function tableLabel(name: string): string {
  return TABLE_LABELS[name] ?? name.replace(/_/g, ' ');
}

/** Tables in display order: the known ones first in TABLE_LABELS order, then any other. */
export function inDisplayOrder<T extends { readonly name: string }>(tables: readonly T[]): T[] {
  const order = Object.keys(TABLE_LABELS);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...tables].sort((a, b) => rank(a.name) - rank(b.name));
}
