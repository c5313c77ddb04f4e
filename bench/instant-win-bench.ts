/**
 * Instant-win claims per second through the real FlowEngine (each participation: a session
 * start, then the email reply whose turn claims a moment) against a flow holding a large stock
 * of moments already due, compared in the same run with the bare rate of single-row
 * INSERT + COMMIT on the same database at the same concurrency.
 *
 *   npx tsx bench/instant-win-bench.ts
 *   BENCH_STOCK=1000000 BENCH_SECONDS=5 BENCH_CONCURRENCY=32 npx tsx bench/instant-win-bench.ts
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { benchDatabase, printTable } from './support/bench-database.js';
import { ManualClock } from '../core/clock.js';
import { CAPABILITIES } from '../runtime/capabilities.js';
import { FlowEngine } from '../runtime/engine/flow-engine.js';
import { saveFlowDocument } from '../runtime/engine/flow-lifecycle.js';
import { ModuleRegistry } from '../core/module-registry.js';
import { MODULES } from '../modules/index.js';
import { openStorage } from '../storage/storage.js';
import { generateMasterKey } from '../storage/crypto/master-key.js';
import { createWorkspace } from '../storage/workspace-repository.js';
import { claimInstantWinMoment } from '../storage/instant-win-repository.js';
import { countStatements } from '../test/support/statement-counter.js';
import { cpuShare, cpuSplit } from './support/cpu-split.js';
import { createAhead } from '../storage/partition-maintenance.js';
import { layOutStores } from './support/daily-partitions.js';
import { STORE_TABLES } from '../core/store-tables.js';

const STOCK = Number(process.env.BENCH_STOCK ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PER_PRIZE = 100_000;

const opensAt = new Date('2025-01-01T00:00:00.000Z');
const closesAt = new Date('2025-01-08T00:00:00.000Z');
/** The last millisecond of the window: every drawn moment is due. */
const clock = new ManualClock(opensAt);

/** Runs `CONCURRENCY` loops of `work` for `SECONDS`; returns completed operations per second. */
async function rate(work: (worker: number, n: number) => Promise<void>): Promise<{ done: number; perSecond: number }> {
  const began = performance.now();
  const until = began + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let n = 0; performance.now() < until; n += 1) {
        await work(worker, n);
        done += 1;
      }
    }),
  );
  return { done, perSecond: done / ((performance.now() - began) / 1000) };
}

const database = await benchDatabase();
const storage = await openStorage({ connectionString: database.url, masterKey: generateMasterKey(), clock, poolSize: CONCURRENCY });
try {
  const registry = new ModuleRegistry(MODULES);
  const deps = { storage, registry, clock, capabilities: CAPABILITIES };
  const workspace = await createWorkspace(storage, { name: 'bench' });
  const prizes = Array.from({ length: Math.ceil(STOCK / PER_PRIZE) }, (_, i) => ({
    id: `prize-${i}`,
    title: `Prize ${i}`,
    stock: Math.min(PER_PRIZE, STOCK - i * PER_PRIZE),
  }));
  const document = {
    name: 'Bench',
    opensAt: opensAt.toISOString(),
    closesAt: closesAt.toISOString(),
    steps: [
      { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'win' },
      { id: 'win', module: 'instant-win', config: { prizes } },
    ],
  };
  const began = performance.now();
  await saveFlowDocument(deps, workspace, 'bench', document);
  const saveMs = performance.now() - began;
  clock.set(closesAt.getTime() - 1);
  // The partitions the sweeper would have created ahead of this clock (its dates are in the
  // past): without them every store row lands in the default partitions, unanalysed, where the
  // planner may pick a flow index over the subject one and scan all the flow's winners per claim.
  // BENCH_PARTITION_DAYS=n: also one partition per day for the n days from the clock's, as a
  // store table holds once the sweeper has run that long (every lookup by subject probes each:
  // with 60, about a fifth fewer claims/s than a fresh database's three partitions).
  for (const table of STORE_TABLES) await createAhead(storage.db, table, clock.now(), 5000);
  const partitions = await layOutStores(storage.db, clock.now(), Number(process.env.BENCH_PARTITION_DAYS ?? 0));

  const engine = new FlowEngine({ storage, registry, clock, capabilities: CAPABILITIES });
  const counter = countStatements(storage.pool);
  let won = 0;
  const cpuBefore = cpuSplit(undefined);
  const claims = await rate(async (worker, n) => {
    const started = await engine.start({ workspaceId: workspace.id, flowSlug: 'bench', device: { mobile: false, browser: 'Bench' }, ip: null });
    const ack = await engine.reply(started.session.sessionId, { clientMessageId: randomUUID(), value: `p${worker}.${n}@example.org` });
    if (!ack.ok) throw new Error(`reply refused: ${ack.error.code}`);
    if (ack.turn.messages.some((m) => m.kind === 'text' && m.text.startsWith('Congratulations'))) won += 1;
  });

  const claimsCpu = cpuShare(cpuBefore, cpuSplit(undefined), SECONDS);
  const statementsPerClaim = counter.count / claims.done;
  const roundTripsPerClaim = counter.roundTrips / claims.done;
  const flowId = (await sql<{ id: string }>`select id from flows where slug = 'bench'`.execute(storage.db)).rows[0]!.id;
  const sessionId = randomUUID();
  const statements = await rate(async () => {
    await claimInstantWinMoment(storage.db, { flowId, stepId: 'win', sessionId, at: clock.now() });
  });

  await sql`create table bench_rows (id uuid primary key, data jsonb not null)`.execute(storage.db);
  const inserts = await rate(async () => {
    await sql`insert into bench_rows (id, data) values (${randomUUID()}, '{"n":1}'::jsonb)`.execute(storage.db);
  });

  const claimed = await sql<{ n: string }>`select count(*) as n from instant_win_moments where claimed_at is not null`.execute(storage.db);
  const ratio = claims.perSecond / inserts.perSecond;
  printTable(`instant win: ${STOCK.toLocaleString('en')} moments due, ${CONCURRENCY} concurrent participants, ${SECONDS} s each`, [
    ['draw + commit + store moments (save)', `${saveMs.toFixed(0)} ms`],
    ['partitions of the winners store (BENCH_PARTITION_DAYS)', `${partitions}`],
    ['participations (start + claim turn)', `${claims.done} in ${SECONDS} s, ${won} won`],
    ['moments claimed (participations + bare statements)', claimed.rows[0]!.n],
    ['instant-win claims/s', claims.perSecond.toFixed(0)],
    ['engine turns/s (start + reply per claim)', (claims.perSecond * 2).toFixed(0)],
    ['CPU cores busy during the participations (bench = the engine)', claimsCpu],
    ['SQL statements per participation (start + claim turn)', statementsPerClaim.toFixed(2)],
    ['database round trips per participation', roundTripsPerClaim.toFixed(2)],
    ['claim statement alone (autocommit)/s', statements.perSecond.toFixed(0)],
    ['bare INSERT + COMMIT/s', inserts.perSecond.toFixed(0)],
    ['ratio claims / bare inserts', ratio.toFixed(3)],
  ]);
  process.stdout.write(
    `RESULT instant_win_claims_per_s=${claims.perSecond.toFixed(1)} bare_insert_commit_per_s=${inserts.perSecond.toFixed(1)} ratio=${ratio.toFixed(3)} claim_statement_per_s=${statements.perSecond.toFixed(1)} statements_per_participation=${statementsPerClaim.toFixed(2)} round_trips_per_participation=${roundTripsPerClaim.toFixed(2)}\n`,
  );
} finally {
  await storage.close();
  await database.close();
}
