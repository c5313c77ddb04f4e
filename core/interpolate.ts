/**
 * Replaces `{{name}}` with the session variable `name` (empty when unset). The result is plain
 * text: the widget renders bot messages as text, never as HTML.
 */
export function interpolate(template: string, variables: Readonly<Record<string, string | number | boolean>>): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_.-]{0,63})\s*\}\}/g, (_m, name: string) => {
    const value = variables[name];
    return value === undefined ? '' : String(value);
  });
}
