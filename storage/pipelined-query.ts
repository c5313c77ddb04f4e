import pg, { type BindConfig } from 'pg';

/** One statement of a pipeline: SQL text with `$n` parameters. */
export interface PipelinedStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** What each statement of a pipeline returned. */
export interface PipelinedResult {
  readonly command: string;
  readonly rowCount: number | null;
  readonly rows: Record<string, unknown>[];
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
  readonly #results: PipelinedResult[] = [];
  #parser: RowParser = new Result();
  #rows: Record<string, unknown>[] = [];
  #error: unknown;
  #settle: { resolve(results: PipelinedResult[]): void; reject(error: unknown): void } | undefined;
  /** Settles when the server has answered every statement (or the first failure). */
  readonly done: Promise<PipelinedResult[]>;

  constructor(statements: readonly PipelinedStatement[]) {
    this.#statements = statements;
    this.done = new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
  }

  /** How many statements this pipeline sends (for statement counters). */
  get statementCount(): number {
    return this.#statements.length;
  }

  /** Writes every statement and one Sync, corked into a single socket write (as pg-cursor drives a connection). */
  submit(connection: pg.Connection): void {
    connection.stream.cork();
    try {
      for (const statement of this.#statements) {
        connection.parse({ name: '', text: statement.sql, types: [] }, false);
        connection.bind({ values: statement.parameters as BindConfig['values'], valueMapper: (value: unknown) => utils.prepareValue(value) }, false);
        connection.describe({ type: 'P', name: '' }, false);
        connection.execute({ portal: '' }, false);
      }
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

  handleCommandComplete(message: { command: string; rowCount?: number | null }): void {
    this.#results.push({ command: message.command, rowCount: message.rowCount ?? null, rows: this.#rows });
    this.#rows = [];
    this.#parser = new Result();
  }

  handleEmptyQuery(): void {
    this.#results.push({ command: '', rowCount: null, rows: [] });
  }

  handleError(error: unknown): void {
    this.#settle?.reject(this.#error ?? error);
    this.#settle = undefined;
  }

  handleReadyForQuery(): void {
    if (this.#error) this.#settle?.reject(this.#error);
    else this.#settle?.resolve(this.#results);
    this.#settle = undefined;
  }

  handlePortalSuspended(): void {}

  handleCopyInResponse(): void {}

  handleCopyData(): void {}
}

/** Runs `statements` on `client` in one round trip; resolves with each statement's result. */
export function runPipeline(client: pg.ClientBase, statements: readonly PipelinedStatement[]): Promise<PipelinedResult[]> {
  const query = new PipelinedQuery(statements);
  client.query(query);
  return query.done;
}
