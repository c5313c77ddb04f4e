import { hostVariableProblem, MAX_HOST_VARIABLES, type HostVariableProblem } from '../core/chat-protocol.js';

/** The variables a new session starts with, and what was left out (names only, never values). */
export interface CollectedVariables {
  readonly variables: Readonly<Record<string, string>>;
  readonly dropped: readonly HostVariableProblem[];
}

/**
 * Merges the page's variables for the handshake: allow-listed URL parameters first, then
 * `data-variables` / `init({variables})`, then `setVariables` calls (later wins). Numbers and
 * booleans become strings; anything the gateway would refuse is dropped and reported, so one
 * bad parameter never stops the chat.
 *
 * @example
 * collectVariables({ declared: { plan: 'pro' }, urlVariables: ['utm_source'], search: '?utm_source=news&x=1', set: {} })
 * // → { variables: { utm_source: 'news', plan: 'pro' }, dropped: [] }
 */
export function collectVariables(input: {
  readonly declared: Readonly<Record<string, unknown>>;
  readonly urlVariables: readonly string[];
  readonly search: string;
  readonly set: Readonly<Record<string, unknown>>;
}): CollectedVariables {
  const merged = new Map<string, unknown>();
  const query = new URLSearchParams(input.search);
  for (const name of input.urlVariables) {
    const value = query.get(name);
    if (value !== null) merged.set(name, value);
  }
  for (const source of [input.declared, input.set]) {
    for (const [name, value] of Object.entries(source)) {
      if (value === null || value === undefined) merged.delete(name);
      else merged.set(name, typeof value === 'number' || typeof value === 'boolean' ? String(value) : value);
    }
  }
  const variables: Record<string, string> = {};
  const dropped: HostVariableProblem[] = [];
  for (const [name, value] of merged) {
    const problem = hostVariableProblem(name, value) ?? (Object.keys(variables).length >= MAX_HOST_VARIABLES ? { path: `/${name}`, message: `At most ${MAX_HOST_VARIABLES} variables` } : undefined);
    if (problem) dropped.push(problem);
    else variables[name] = value as string;
  }
  return { variables, dropped };
}
