import { describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { ShapedStatements, slot } from '../../../storage/shaped-statements.js';

// Compiling needs no connection: the dialect's pool is never used.
const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: {} as never }) });

interface Input {
  readonly id: string;
  readonly names: readonly string[];
}

const v = (read: (input: Input) => unknown) => slot<Input>(read);

/** A statement whose shape is the number of names: one `values` row per name. */
function build(count: number) {
  const rows = Array.from({ length: count }, (_, index) => sql`(${v((i) => i.id)}::uuid, ${v((i) => i.names[index])}::text)`);
  return () => sql`insert into t (id, name) select * from (values ${sql.join(rows)}) v where ${sql.lit('x')} = 'x'`;
}

describe('ShapedStatements', () => {
  it('builds a shape once and binds each call its own values, as kysely would compile them', () => {
    const statements = new ShapedStatements<Input>();
    let builds = 0;
    const counted = (count: number) => () => {
      builds += 1;
      return build(count)();
    };
    const first = statements.compile(db, 'two', counted(2), { id: 'a', names: ['x', 'y'] });
    const second = statements.compile(db, 'two', counted(2), { id: 'b', names: ['z', 'w'] });
    expect(builds).toBe(1);
    expect(second.sql).toBe(first.sql);
    expect(first.parameters).toEqual(['a', 'x', 'a', 'y']);
    expect(second.parameters).toEqual(['b', 'z', 'b', 'w']);
    const direct = sql`insert into t (id, name) select * from (values (${'b'}::uuid, ${'z'}::text), (${'b'}::uuid, ${'w'}::text)) v where ${sql.lit('x')} = 'x'`.compile(db);
    expect(second.sql).toBe(direct.sql);
    expect(second.parameters).toEqual(direct.parameters);
    statements.compile(db, 'three', counted(3), { id: 'c', names: ['1', '2', '3'] });
    expect(builds).toBe(2);
  });

  it('refuses a shape with a value that is not a slot: it would be kept with the first call\'s value', () => {
    const statements = new ShapedStatements<Input>();
    expect(() => statements.compile(db, 'bad', () => sql`select ${'literal'}::text, ${v((i) => i.id)}`, { id: 'a', names: [] })).toThrow(/not a slot \(parameter \$1\)/);
  });

  it('keeps at most `limit` shapes, forgetting the oldest', () => {
    const statements = new ShapedStatements<Input>(2);
    let builds = 0;
    const make = () => {
      builds += 1;
      return sql`select ${v((i) => i.id)}`;
    };
    const input = { id: 'a', names: [] };
    statements.compile(db, 'one', make, input);
    statements.compile(db, 'two', make, input);
    statements.compile(db, 'three', make, input);
    statements.compile(db, 'three', make, input);
    expect(builds).toBe(3);
    statements.compile(db, 'one', make, input);
    expect(builds).toBe(4);
  });
});
