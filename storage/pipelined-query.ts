import pg, { type BindConfig } from 'pg';
import { isStaleStatementError, statementCacheOf, UNNAMED, type StatementCache, type StatementUse } from './statement-cache.js';

/** One statement of a pipeline: SQL text with `$n` parameters. */
export interface PipelinedStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** What each statement of a pipeline returned. */
export interface PipelinedResult {
  readonly command: string;
  readonly rowCount: number | null;
  /** Objects by column name, or arrays with `rowMode: 'array'`. */
  readonly rows: unknown[];
}

/** How rows come back: as node-pg has them (objects, its type parsers) unless told otherwise. */
export interface RowFormat {
  readonly rowMode?: 'array';
  /** node-pg's type parsers (`getTypeParser`), e.g. to keep every value as PostgreSQL's text. */
  readonly types?: unknown;
}

interface FieldDescription {
  readonly name: string;
  readonly dataTypeID: number;
  readonly format: string;
}

/** node-pg's row parser (the one its own queries and pg-cursor use), with its type parsers. */
interface RowParser {
  addFields(fields: FieldDescription[]): void;
  parseRow(values: unknown[]): Record<string, unknown>;
  /** Reads the command tag ("INSERT 0 3") into `command` and `rowCount`. */
  addCommandComplete(message: unknown): void;
  command: string | null;
  rowCount: number | null;
}
const { Result, utils } = pg as unknown as {
  Result: new (rowMode?: string, types?: unknown) => RowParser;
  utils: { prepareValue(value: unknown): unknown };
};

/**
 * Several statements sent to PostgreSQL in one write and answered in one round trip: the
 * extended protocol's Parse/Bind/Describe/Execute for each, then a single Sync. The server runs
 * them in order; after an error it skips the rest up to the Sync (so a statement after a
 * failed one never runs), and the pipeline rejects with that error. Outside an explicit
 * transaction the statements up to the Sync are one implicit transaction: all or nothing.
 *
 * Hand-written because the chat turn path needs it: a CPU profile of 300 concurrent visitors
 * spent a quarter of the server's time in the socket writes of its statements (one per round
 * trip), and node-pg has no pipeline mode. It is a node-pg `Submittable`, the extension point
 * pg-cursor uses.
 */
export class PipelinedQuery {
  readonly #statements: readonly PipelinedStatement[];
  readonly #cacheCapacity: number;
  #cache: { cache: StatementCache; uses: StatementUse[] } | undefined;
  readonly #format: RowFormat;
  readonly #results: PipelinedResult[] = [];
  #parser: RowParser;
  #rows: unknown[] = [];
  #error: unknown;
  #settle: { resolve(results: PipelinedResult[]): void; reject(error: unknown): void } | undefined;
  /** Settles when the server has answered every statement (or the first failure). */
  readonly done: Promise<PipelinedResult[]>;

  /** `cacheCapacity`: statements kept prepared per connection (0: every statement goes unnamed). */
  constructor(statements: readonly PipelinedStatement[], cacheCapacity = 0, format: RowFormat = {}) {
    this.#statements = statements;
    this.#cacheCapacity = cacheCapacity;
    this.#format = format;
    this.#parser = new Result(format.rowMode, format.types);
    this.done = new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
  }

  /** How many statements this pipeline sends (for statement counters). */
  get statementCount(): number {
    return this.#statements.length;
  }

  /**
   * Writes every statement and one Sync, corked into a single socket write (as pg-cursor drives a
   * connection). With a statement cache, a statement prepared on this connection before is only
   * bound and executed; a new one is parsed under its name first.
   */
  submit(connection: pg.Connection): void {
    const cache = this.#cacheCapacity > 0 ? statementCacheOf(connection, this.#cacheCapacity) : undefined;
    const evicted: string[] = [];
    cache?.startPipeline();
    const uses = this.#statements.map((statement) => cache?.use(statement.sql, evicted) ?? UNNAMED);
    if (cache) this.#cache = { cache, uses };
    connection.stream.cork();
    try {
      for (const name of evicted) connection.close({ type: 'S', name }, false);
      this.#statements.forEach((statement, index) => {
        const use = uses[index]!;
        if (use.close) connection.close({ type: 'S', name: use.name }, false);
        if (use.parse) connection.parse({ name: use.name, text: statement.sql, types: [] }, false);
        connection.bind({ statement: use.name, values: statement.parameters as BindConfig['values'], valueMapper: (value: unknown) => utils.prepareValue(value) }, false);
        connection.describe({ type: 'P', name: '' }, false);
        connection.execute({ portal: '' }, false);
      });
      connection.sync();
    } finally {
      connection.stream.uncork();
    }
  }

  handleRowDescription(message: { fields: FieldDescription[] }): void {
    this.#parser.addFields(message.fields);
  }

  handleDataRow(message: { fields: unknown[] }): void {
    if (this.#error) return;
    try {
      this.#rows.push(this.#parser.parseRow(message.fields));
    } catch (error) {
      this.#error = error;
    }
  }

  handleCommandComplete(message: unknown): void {
    this.#parser.addCommandComplete(message);
    this.#results.push({ command: this.#parser.command ?? '', rowCount: this.#parser.rowCount ?? null, rows: this.#rows });
    this.#rows = [];
    this.#parser = new Result(this.#format.rowMode, this.#format.types);
  }

  handleEmptyQuery(): void {
    this.#results.push({ command: '', rowCount: null, rows: [] });
  }

  handleError(error: unknown): void {
    this.#cache?.cache.settle(this.#cache.uses, this.#results.length, { staleStatement: isStaleStatementError(error) });
    this.#cache = undefined;
    this.#settle?.reject(this.#error ?? error);
    this.#settle = undefined;
  }

  handleReadyForQuery(): void {
    this.#cache?.cache.settle(this.#cache.uses, this.#results.length);
    this.#cache = undefined;
    if (this.#error) this.#settle?.reject(this.#error);
    else this.#settle?.resolve(this.#results);
    this.#settle = undefined;
  }

  handlePortalSuspended(): void {}

  handleCopyInResponse(): void {}

  handleCopyData(): void {}
}

/**
 * Runs `statements` on `client` in one round trip; resolves with each statement's result. With
 * `cacheCapacity`, statements stay prepared on the connection (see `StatementCache`).
 */
export function runPipeline(client: pg.ClientBase, statements: readonly PipelinedStatement[], cacheCapacity = 0, format?: RowFormat): Promise<PipelinedResult[]> {
  const query = new PipelinedQuery(statements, cacheCapacity, format);
  client.query(query);
  return query.done;
}

/**
 * `results` of statements that several senders sent together, cut into one slice per sender in
 * their order (each sender's `statements` went out one after another).
 */
export function resultsPerSender(senders: ReadonlyArray<{ readonly statements: readonly PipelinedStatement[] }>, results: readonly PipelinedResult[]): PipelinedResult[][] {
  let next = 0;
  return senders.map((sender) => results.slice(next, (next += sender.statements.length)));
}
