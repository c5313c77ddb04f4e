/** Words that say yes or no, in French and English, compared trimmed and lower-cased. */

export const TRUE_WORDS: ReadonlySet<string> = new Set(['1', 'true', 'yes', 'oui', 'on', 'y', 'o', 't']);
export const FALSE_WORDS: ReadonlySet<string> = new Set(['0', 'false', 'no', 'non', 'off', 'n', 'f']);

/** true or false for a recognized word (`Oui`, ` off `), undefined for anything else. */
export function readBooleanWord(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}
