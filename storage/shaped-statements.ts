import { CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import { ParleyError } from '../core/errors.js';

const READ = Symbol('parley.slot');

/**
 * A value of a statement compiled once per shape (see `ShapedStatements`): not the value itself
 * but how to read it from a call's input. It goes where a value would go in a `sql` template.
 */
export interface Slot<I> {
  readonly [READ]: (input: I) => unknown;
}

/** A slot reading its value from a call's input with `read`. */
export function slot<I>(read: (input: I) => unknown): Slot<I> {
  return { [READ]: read };
}

function isSlot(value: unknown): value is Slot<never> {
  return typeof value === 'object' && value !== null && READ in value;
}

interface Shape<I> {
  readonly sql: string;
  readonly reads: ReadonlyArray<(input: I) => unknown>;
}

/**
 * Statements built and compiled by kysely once per shape, then bound to each call's values.
 *
 * The statements of a chat turn are long (the session write, a multi-row insert per store table,
 * the subject ledger, the webhook outbox) but take only a few shapes (which tables, how many
 * rows). Building and compiling one with kysely took about 130 µs on the benchmark machine,
 * about 4 % of the server's time per turn in the chat profile; binding values to a kept shape
 * takes a few. `build` uses `slot`s wherever a value goes (a literal value would be kept with the
 * first call's value, so compiling a shape that has one throws); everything that differs
 * between two calls of one `shape` key must be a slot.
 */
export class ShapedStatements<I> {
  readonly #shapes = new Map<string, Shape<I>>();
  readonly #limit: number;

  /** `limit`: shapes kept; the oldest is forgotten beyond it. */
  constructor(limit = 256) {
    this.#limit = limit;
  }

  /** The statement of `shape` (built with `build` the first time), with `input`'s values. */
  compile<R>(db: Kysely<any>, shape: string, build: () => RawBuilder<R>, input: I): CompiledQuery<R> {
    let kept = this.#shapes.get(shape);
    if (!kept) {
      kept = this.#compileShape(db, build);
      if (this.#shapes.size >= this.#limit) this.#shapes.delete(this.#shapes.keys().next().value!);
      this.#shapes.set(shape, kept);
    }
    const parameters = new Array<unknown>(kept.reads.length);
    for (let i = 0; i < kept.reads.length; i += 1) parameters[i] = kept.reads[i]!(input);
    return CompiledQuery.raw(kept.sql, parameters) as CompiledQuery<R>;
  }

  #compileShape(db: Kysely<any>, build: () => RawBuilder<unknown>): Shape<I> {
    const compiled = build().compile(db);
    const reads = compiled.parameters.map((parameter, index) => {
      if (!isSlot(parameter)) throw new ParleyError('internal', `A shaped statement has a value that is not a slot (parameter $${index + 1})`);
      return parameter[READ] as (input: I) => unknown;
    });
    return { sql: compiled.sql, reads };
  }
}
