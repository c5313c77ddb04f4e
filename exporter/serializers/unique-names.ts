/**
 * Makes names unique in order of appearance: the first keeps its name, later duplicates get
 * `_2`, `_3`, … (skipping suffixes that another name already has), so the result is deterministic.
 *
 * @example uniqueNames(['a', 'a', 'a_2']) // ['a', 'a_3', 'a_2']
 */
export function uniqueNames(names: readonly string[]): readonly string[] {
  const taken = new Set(names);
  const used = new Set<string>();
  return Object.freeze(
    names.map((name) => {
      let candidate = name;
      for (let n = 2; used.has(candidate) || (candidate !== name && taken.has(candidate)); n += 1) {
        candidate = `${name}_${n}`;
      }
      used.add(candidate);
      return candidate;
    }),
  );
}
