import { describe, expect, it } from 'vitest';
import { StatementCache, UNNAMED } from '../../../storage/statement-cache.js';

/** One pipeline through `cache`: the uses of `statements`, the names evicted, and its settling. */
function pipeline(cache: StatementCache, statements: string[], outcome: { completed?: number; stale?: boolean } = {}) {
  const evicted: string[] = [];
  cache.startPipeline();
  const used = statements.map((text) => cache.use(text, evicted));
  const completed = outcome.completed ?? statements.length;
  cache.settle(used, completed, completed < statements.length ? { staleStatement: outcome.stale ?? false } : undefined);
  // What goes on the wire; the entry each use carries is the cache's own bookkeeping.
  const uses = used.map(({ name, parse, close }) => ({ name, parse, close }));
  return { uses, evicted };
}

describe('the per-connection statement cache', () => {
  it('parses a statement under a name once, then only binds it', () => {
    const cache = new StatementCache(4);
    const first = pipeline(cache, ['select $1::int', 'select $1::text']);
    expect(first.uses).toEqual([
      { name: 'parley_1', parse: true, close: false },
      { name: 'parley_2', parse: true, close: false },
    ]);
    expect(pipeline(cache, ['select $1::text', 'select $1::int']).uses).toEqual([
      { name: 'parley_2', parse: false, close: false },
      { name: 'parley_1', parse: false, close: false },
    ]);
  });

  it('parses a text that appears twice in one pipeline only once', () => {
    const cache = new StatementCache(4);
    expect(pipeline(cache, ['select $1::int', 'select $1::int']).uses).toEqual([
      { name: 'parley_1', parse: true, close: false },
      { name: 'parley_1', parse: false, close: false },
    ]);
  });

  it('evicts the least recently used statement and names it for closing', () => {
    const cache = new StatementCache(2);
    pipeline(cache, ['a $1', 'b $1']);
    pipeline(cache, ['a $1']);
    const third = pipeline(cache, ['c $1']);
    expect(third.evicted).toEqual(['parley_2']);
    expect(third.uses).toEqual([{ name: 'parley_3', parse: true, close: false }]);
    expect(cache.size).toBe(2);
    expect(pipeline(cache, ['b $1']).uses).toEqual([{ name: 'parley_4', parse: true, close: false }]);
  });

  it('never evicts a statement parsed earlier in the same pipeline: a statement beyond the capacity goes unnamed', () => {
    const cache = new StatementCache(1);
    const { uses, evicted } = pipeline(cache, ['a $1', 'b $1']);
    expect(uses).toEqual([{ name: 'parley_1', parse: true, close: false }, UNNAMED]);
    expect(evicted).toEqual([]);
  });

  it('never evicts a statement the same pipeline binds (its name is closed before the pipeline runs): one beyond goes unnamed', () => {
    const cache = new StatementCache(1);
    pipeline(cache, ['a $1']);
    const { uses, evicted } = pipeline(cache, ['a $1', 'b $1']);
    expect(uses).toEqual([{ name: 'parley_1', parse: false, close: false }, UNNAMED]);
    expect(evicted).toEqual([]);
  });

  it('at capacity, evicts the least recently used statement the pipeline does not use, even when it was prepared first', () => {
    const cache = new StatementCache(3);
    pipeline(cache, ['a $1', 'b $1', 'c $1']);
    pipeline(cache, ['a $1']);
    // The pipeline binds c and a; b is the least recently used of the others.
    const { uses, evicted } = pipeline(cache, ['c $1', 'a $1', 'd $1']);
    expect(uses).toEqual([
      { name: 'parley_3', parse: false, close: false },
      { name: 'parley_1', parse: false, close: false },
      { name: 'parley_4', parse: true, close: false },
    ]);
    expect(evicted).toEqual(['parley_2']);
  });

  it('after a failure, parses again (closing the name first) what may not have been parsed, and keeps what ran', () => {
    const cache = new StatementCache(8);
    // The second statement failed: the first ran, the second and third are uncertain.
    pipeline(cache, ['a $1', 'b $1', 'c $1'], { completed: 1 });
    expect(pipeline(cache, ['a $1', 'b $1', 'c $1']).uses).toEqual([
      { name: 'parley_1', parse: false, close: false },
      { name: 'parley_2', parse: true, close: true },
      { name: 'parley_3', parse: true, close: true },
    ]);
    expect(pipeline(cache, ['b $1', 'c $1']).uses.every((use) => !use.parse && !use.close)).toBe(true);
  });

  it('a prepared statement that failed on its own data stays prepared; one whose plan went stale is parsed again', () => {
    const cache = new StatementCache(8);
    pipeline(cache, ['insert $1']);
    pipeline(cache, ['insert $1'], { completed: 0 });
    expect(pipeline(cache, ['insert $1']).uses).toEqual([{ name: 'parley_1', parse: false, close: false }]);
    pipeline(cache, ['insert $1'], { completed: 0, stale: true });
    expect(pipeline(cache, ['insert $1']).uses).toEqual([{ name: 'parley_1', parse: true, close: true }]);
  });
});
