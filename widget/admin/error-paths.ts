/** Which settings field an API error path points at; `line` is 1-based within the origins list. */
export interface FieldTarget {
  readonly field: string;
  readonly index?: number;
}

/**
 * Maps the JSON path of a `PATCH /workspace` error to a settings field key: `/timeZone` →
 * `timeZone`, `/retention/tables/winners` → `retention.winners`, `/allowedOrigins/2` →
 * `allowedOrigins` at index 2. Unknown paths give undefined (shown at the form level).
 */
export function fieldForPath(path: string | undefined): FieldTarget | undefined {
  if (!path) return undefined;
  const segments = path.split('/').slice(1);
  const [head, second, third] = segments;
  switch (head) {
    case 'name':
    case 'timeZone':
    case 'storageEnabled':
    case 'auditRetentionDays':
      return { field: head };
    case 'allowedOrigins':
      return second !== undefined && /^\d+$/.test(second) ? { field: head, index: Number(second) } : { field: head };
    case 'retention':
      return second === 'tables' && third ? { field: `retention.${third}` } : { field: 'retention' };
    default:
      return undefined;
  }
}

/** The lines of a textarea that hold a value, trimmed, with their 1-based line numbers. */
export function nonBlankLines(text: string): Array<{ readonly value: string; readonly line: number }> {
  return text
    .split(/\r?\n/)
    .map((value, i) => ({ value: value.trim(), line: i + 1 }))
    .filter((entry) => entry.value !== '');
}
