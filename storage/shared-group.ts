import type pg from 'pg';
import { isStatementError } from './database-errors.js';
import { resultsPerSender, runPipeline, type PipelinedResult, type PipelinedStatement } from './pipelined-query.js';
import { SharedTransactionRolledBack, type SharedMember, type SharedRequest } from './shared-transaction.js';

/** See `GroupCommitLimits.memberWaitMs`. */
const MEMBER_WAIT_MS = 2_000;

const BEGIN: PipelinedStatement = { sql: 'begin', parameters: [] };
const COMMIT: PipelinedStatement = { sql: 'commit', parameters: [] };

/** The group ended short of its commit: rolled back (`rolledBack`) or on a broken connection. */
type Ending = { readonly rolledBack: true } | { readonly broken: Error };

type Run = Extract<SharedRequest, { kind: 'run' }>;

function statementsOf(requests: readonly Run[]): PipelinedStatement[] {
  return requests.flatMap((request) => request.statements);
}

/** Gives each request its slice of `results`, in order. */
function settle(requests: readonly Run[], results: readonly PipelinedResult[]): void {
  resultsPerSender(requests, results).forEach((own, i) => requests[i]!.resolve(own));
}

/**
 * One group's transaction with shared members (see `GroupCommit.share`), from its first round trip
 * to its commit: BEGIN and every member's first statements go out together; each shared member
 * then reads its results and sends more statements, or its last ones. Once every shared member
 * has sent what it has, the group sends those requests together (another round trip); when all
 * of them are last, it sends them with COMMIT.
 */
export class SharedGroup {
  constructor(
    private readonly client: pg.PoolClient,
    private readonly statementCache: number,
    private readonly memberWaitMs = MEMBER_WAIT_MS,
  ) {}

  /** The first round trip: BEGIN and `statements`; their results, or the error that refused them (rolled back). */
  async begin(statements: readonly PipelinedStatement[]): Promise<PipelinedResult[]> {
    try {
      return (await runPipeline(this.client, [BEGIN, ...statements], this.statementCache)).slice(1);
    } catch (error) {
      if (isStatementError(error)) await this.client.query('rollback');
      throw error;
    }
  }

  /**
   * Takes the shared members' requests until each has sent its last statements, then commits.
   * Resolves with null once committed (every last request resolved), or how the group ended
   * short of that (every pending request rejected, every member failed).
   */
  async finish(shared: ReadonlyArray<{ readonly member: SharedMember; readonly holds: readonly string[] }>): Promise<Ending | null> {
    const members = shared.map(({ member }) => member);
    const lasts: Run[] = [];
    let sending: Run[] = [];
    // Locks taken by a member's later statements were not known when the group formed: one that
    // another member holds would not exclude it (one transaction), so the group rolls back.
    const heldBy = new Map<string, SharedMember>();
    for (const { member, holds } of shared) for (const name of holds) heldBy.set(name, member);
    let open = members;
    try {
      while (open.length > 0) {
        const requests = await this.#nextRequests(open);
        if (!requests) return await this.#rollBack(members, lasts);
        const runs = requests as Run[];
        if (!runs.every((request, i) => this.#mayHold(heldBy, open[i]!, request.holds))) return await this.#rollBack(members, [...lasts, ...runs]);
        sending = runs.filter((r) => !r.last);
        lasts.push(...runs.filter((r) => r.last));
        open = open.filter((_, i) => !runs[i]!.last);
        if (sending.length === 0) continue;
        const results = await this.#send(statementsOf(sending));
        if (!results) return await this.#rollBack(members, [...lasts, ...sending]);
        settle(sending, results);
        sending = [];
      }
      const results = await this.#send([...statementsOf(lasts), COMMIT]);
      if (!results) return await this.#rollBack(members, lasts);
      settle(lasts, results);
      return null;
    } catch (error) {
      const broken = error as Error;
      for (const member of members) member.fail(broken);
      for (const request of [...lasts, ...sending]) request.reject(broken);
      return { broken };
    }
  }

  /** Records `member` as holding `holds`; false when another member holds one of them. */
  #mayHold(heldBy: Map<string, SharedMember>, member: SharedMember, holds: readonly string[]): boolean {
    for (const name of holds) {
      const holder = heldBy.get(name);
      if (holder && holder !== member) return false;
      heldBy.set(name, member);
    }
    return true;
  }

  /** Every open member's next request, or undefined when one left (abandoned) or stopped answering. */
  async #nextRequests(open: readonly SharedMember[]): Promise<SharedRequest[] | undefined> {
    const taken: SharedRequest[] = [];
    let givenUp = false;
    const refuse = (request: SharedRequest) => request.kind === 'run' && request.reject(new SharedTransactionRolledBack());
    const take = (request: SharedRequest) => {
      // A request that arrives after the group gave up fails at once.
      if (givenUp) refuse(request);
      else taken.push(request);
      return request;
    };
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), this.memberWaitMs)));
    try {
      const requests = await Promise.race([Promise.all(open.map((member) => member.next().then(take))), stopped]);
      if (requests && requests.every((r) => r.kind === 'run')) return requests;
      givenUp = true;
      taken.forEach(refuse);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends `statements` in the group's transaction: their results, or undefined when the server refused one. */
  async #send(statements: readonly PipelinedStatement[]): Promise<PipelinedResult[] | undefined> {
    try {
      return await runPipeline(this.client, statements, this.statementCache);
    } catch (error) {
      if (isStatementError(error)) return undefined;
      throw error;
    }
  }

  /** Rolls the group back: every member fails, and so do `pending`, the requests taken and not answered. */
  async #rollBack(members: readonly SharedMember[], pending: readonly Run[]): Promise<Ending> {
    const error = new SharedTransactionRolledBack();
    for (const member of members) member.fail(error);
    for (const request of pending) request.reject(error);
    await this.client.query('rollback');
    return { rolledBack: true };
  }
}
