/**
 * Chat turns against their physical ceiling, in one run. Visitors connect over websockets,
 * receive the start turn, answer the demo flow's choice (Blue pill) and an email (whose turn
 * claims an instant win), then disconnect and start again; every delivered turn counts.
 *
 * 1. Statements per turn: sequential conversations, statements counted in the server process.
 * 2. Warm-up: a closed loop against each server, not counted (the first run of a cold process,
 *    bench visitors included, measured up to a third slower than the third).
 * 3. Closed loop, in alternating rounds so that both sides meet the same machine (a shared
 *    2-core machine drifts by tens of percent within minutes): the ceiling, the same visitors
 *    against a bare socket.io server doing one INSERT + COMMIT per round trip
 *    (bench/support/ceiling-server.ts), same socket count, same pool size; then Parley
 *    (runtime/main.ts in its own process). The ratio is each round's, and the median is reported.
 *    Each round also runs the instant-win conversation (start turn asking the email, then the email
 *    whose turn claims a moment; a flow saved through the admin API with BENCH_CLAIM_STOCK moments
 *    due): claims per second against the same round's ceiling (target ≥ 0.4), and against the bare
 *    server's round trips over the same conversation shape (connect, one reply: a claim needs two
 *    round trips, so 0.5 is the most any server reaches), and against the bare server's
 *    conversations of that shape, beside the share of them that the target's claims/s make.
 * 4. The stricter ceiling of the same bare server over sockets that stay connected (no handshakes).
 * 5. Open loop: Parley offered half the ceiling's median rate, p50/p99 per turn, in alternating
 *    rounds with the bare server offered the same rate (the p99 the hardware itself gives at
 *    that load, measured beside it: on the 2-core machine one 8-second run's p99 moved by 3×
 *    from run to run, the bare server's too); medians of the rounds.
 *
 * Env: BENCH_SOCKETS (default 300), BENCH_SECONDS (default 8, per run), BENCH_ROUNDS (default 3),
 * BENCH_WARMUP_SECONDS (default 4), BENCH_STATEMENT_CONVERSATIONS (default 50), BENCH_CLAIM_STOCK (default 300,000),
 * BENCH_PARTITION_DAYS (default 0: a fresh database's partitions; n: one per day for n days, as
 * a store table holds once the sweeper has run that long).
 */
import { benchDatabase, printTable } from './support/bench-database.js';
import { median, percentile } from './support/latency.js';
import { startBenchChild } from './support/child-process.js';
import pg from 'pg';
import { closedLoop, converse, createClaimFlow, openLoop, persistentLoop, startParleyServer, type VisitorTarget } from './support/chat-visitors.js';
import { cpuShare, cpuSplit } from './support/cpu-split.js';
import { layOutStoresAt } from './support/daily-partitions.js';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 4);
const COUNTED = Number(process.env.BENCH_STATEMENT_CONVERSATIONS ?? 50);
const PARTITION_DAYS = Number(process.env.BENCH_PARTITION_DAYS ?? 0);
const CLAIM_STOCK = Number(process.env.BENCH_CLAIM_STOCK ?? 300_000);
/** The target for instant-win claims/s, as a share of the ceiling's turns/s. */
const CLAIMS_TARGET = 0.4;

const ms = (values: number[], p: number) => `${percentile(values, p).toFixed(1)} ms`;

/** One closed-loop run, with the cores each process group kept busy meanwhile. */
async function measured(target: VisitorTarget, serverPid: number | undefined) {
  const before = cpuSplit(serverPid);
  const run = await closedLoop(target, SOCKETS, SECONDS);
  return { ...run, cpu: cpuShare(before, cpuSplit(serverPid), SECONDS) };
}

type OpenRun = Awaited<ReturnType<typeof openLoop>>;

/** Per-round p50/p99 of open-loop runs, their medians, turns served per second (median) and failures (sum). */
function openFigures(runs: readonly OpenRun[]) {
  const rounds = runs.map((run) => ({ p50: percentile(run.latencies, 50), p99: percentile(run.latencies, 99) }));
  return {
    rounds,
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    turnsPerSecond: median(runs.map((run) => run.turnsPerSecond)),
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
  };
}

/** The server's Prometheus metrics as they stand: the value of a series named with its labels as exposed (`name{label="value"}`), 0 when absent. */
async function serverMetrics(target: VisitorTarget): Promise<(series: string) => number> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  const values = new Map(text.split('\n').map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]));
  return (series) => values.get(series) ?? 0;
}

/** The server's garbage collections so far (prom-client's default `nodejs_gc_duration_seconds`): count and seconds per kind. */
async function serverGc(target: VisitorTarget): Promise<Record<'minor' | 'major' | 'incremental', { count: number; seconds: number }>> {
  const sample = await serverMetrics(target);
  const kind = (name: string) => ({ count: sample(`parley_nodejs_gc_duration_seconds_count{kind="${name}"}`), seconds: sample(`parley_nodejs_gc_duration_seconds_sum{kind="${name}"}`) });
  return { minor: kind('minor'), major: kind('major'), incremental: kind('incremental') };
}

/** Instant-win moments claimed so far (every claim that won). */
async function momentsClaimed(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('select count(*) as n from instant_win_moments where claimed_at is not null')).rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Statements and round trips per turn over `conversations` sequential conversations (caches warmed by one). */
async function statementsPerTurn(server: Awaited<ReturnType<typeof startParleyServer>>['server'], target: VisitorTarget, conversations: number) {
  await converse(target);
  const before = await server.queries();
  let turns = 0;
  for (let i = 0; i < conversations; i += 1) turns += (await converse(target)).turns;
  const after = await server.queries();
  return { statements: after.statements - before.statements, roundTrips: after.roundTrips - before.roundTrips, turns };
}

/** The server's group commits so far, from its Prometheus metrics: transactions and groups. */
async function groupCommits(target: VisitorTarget): Promise<{ transactions: number; groups: number }> {
  const sample = await serverMetrics(target);
  return { transactions: sample('parley_group_commit_size_sum'), groups: sample('parley_group_commit_size_count') };
}

const database = await benchDatabase();
const ceilingServer = await startBenchChild('bench/support/ceiling-server.ts', { DATABASE_URL: database.url }, /ceiling listening at (\S+)/);
const bare: VisitorTarget = { url: ceilingServer.url, auth: {} };
const { server, parley, apiKey } = await startParleyServer(database.url);
try {
  const partitions = await layOutStoresAt(database.url, PARTITION_DAYS);
  const claims = await createClaimFlow(parley, apiKey, CLAIM_STOCK);
  // Statements per turn first, on a quiet server.
  const counted = await statementsPerTurn(server, parley, COUNTED);
  const perTurn = counted.statements / counted.turns;
  const roundTripsPerTurn = counted.roundTrips / counted.turns;
  const countedClaims = await statementsPerTurn(server, claims, COUNTED);

  for (const target of [bare, parley, claims]) if (WARMUP > 0) await closedLoop(target, SOCKETS, WARMUP);
  type Run = Awaited<ReturnType<typeof measured>>;
  const rounds: Array<{ ceiling: Run; closed: Run; ratio: number; claims: Run; claimRatio: number; shaped: Run; shapedRatio: number; conversationShare: number; targetShare: number }> = [];
  const bareClaims: VisitorTarget = { ...bare, replies: claims.replies };
  const groupsBefore = await groupCommits(parley);
  const wonBefore = await momentsClaimed(database.url);
  for (let round = 0; round < ROUNDS; round += 1) {
    const ceiling = await measured(bare, ceilingServer.child.pid);
    const closed = await measured(parley, server.child.pid);
    const shaped = await measured(bareClaims, ceilingServer.child.pid);
    const claimed = await measured(claims, server.child.pid);
    rounds.push({
      ceiling,
      closed,
      ratio: closed.turnsPerSecond / ceiling.turnsPerSecond,
      claims: claimed,
      claimRatio: claimed.repliesPerSecond / ceiling.turnsPerSecond,
      shaped,
      shapedRatio: claimed.repliesPerSecond / shaped.turnsPerSecond,
      // Conversations against conversations: the bare server's acknowledged replies are its conversations of that shape.
      conversationShare: claimed.repliesPerSecond / shaped.repliesPerSecond,
      targetShare: (CLAIMS_TARGET * ceiling.turnsPerSecond) / shaped.repliesPerSecond,
    });
  }
  // Moments won during the rounds: the demo flow's few mugs and the claim flow's stock.
  const won = (await momentsClaimed(database.url)) - wonBefore;
  const groupsAfter = await groupCommits(parley);
  const grouped = { transactions: groupsAfter.transactions - groupsBefore.transactions, groups: groupsAfter.groups - groupsBefore.groups };
  const connected = await persistentLoop(bare, SOCKETS, SECONDS);

  const ceilingRate = median(rounds.map((r) => r.ceiling.turnsPerSecond));
  const parleyRate = median(rounds.map((r) => r.closed.turnsPerSecond));
  const ratio = median(rounds.map((r) => r.ratio));
  const claimRate = median(rounds.map((r) => r.claims.repliesPerSecond));
  const claimRatio = median(rounds.map((r) => r.claimRatio));
  const shapedRatio = median(rounds.map((r) => r.shapedRatio));
  const conversationShare = median(rounds.map((r) => r.conversationShare));
  const targetShare = median(rounds.map((r) => r.targetShare));
  const claimSeconds = ROUNDS * SECONDS;
  const strictRatio = parleyRate / connected.turnsPerSecond;
  const offered = ceilingRate / 2;
  const opens: Array<{ bare: OpenRun; parley: OpenRun }> = [];
  // The Parley server's collections over the open-loop rounds (it idles while the bare server's run).
  const gcBefore = await serverGc(parley);
  for (let round = 0; round < ROUNDS; round += 1) {
    const first = await openLoop(round % 2 === 0 ? bare : parley, offered, SECONDS);
    const second = await openLoop(round % 2 === 0 ? parley : bare, offered, SECONDS);
    opens.push(round % 2 === 0 ? { bare: first, parley: second } : { bare: second, parley: first });
  }
  const gcAfter = await serverGc(parley);
  await ceilingServer.stop();
  const gcDuring = (kind: 'minor' | 'major' | 'incremental') => ({ count: gcAfter[kind].count - gcBefore[kind].count, ms: (gcAfter[kind].seconds - gcBefore[kind].seconds) * 1000 });
  const scavenges = gcDuring('minor');
  const scavengeMeanMs = scavenges.ms / Math.max(1, scavenges.count);
  // A full collection's pauses: its final one and its incremental marking steps.
  const major = gcDuring('major');
  const full = { count: major.count, ms: major.ms + gcDuring('incremental').ms };
  const open = openFigures(opens.map((o) => o.parley));
  const bareOpen = openFigures(opens.map((o) => o.bare));
  const failures = rounds.reduce((sum, r) => [sum[0]! + r.ceiling.failures, sum[1]! + r.closed.failures, sum[2]! + r.claims.failures], [0, 0, 0]);
  const p99s = (figures: ReturnType<typeof openFigures>) => figures.rounds.map((r) => r.p99.toFixed(0)).join(', ');

  printTable(`chat turns: ${SOCKETS} sockets, ${WARMUP} s warm-up, ${ROUNDS} alternating rounds of ${SECONDS} s, demo flow (start, Blue pill, email + instant win)`, [
    ...rounds.flatMap((r, i): Array<[string, string]> => [
      [`round ${i + 1} ceiling: bare socket.io + INSERT/COMMIT per round trip`, `${r.ceiling.turnsPerSecond.toFixed(0)} turns/s (p50 ${ms(r.ceiling.latencies, 50)}, p99 ${ms(r.ceiling.latencies, 99)})`],
      [`round ${i + 1} closed loop: Parley`, `${r.closed.turnsPerSecond.toFixed(0)} turns/s (p50 ${ms(r.closed.latencies, 50)}, p99 ${ms(r.closed.latencies, 99)}), ratio ${r.ratio.toFixed(3)}`],
      [`round ${i + 1} ceiling, conversation of the instant win's shape (connect, one reply)`, `${r.shaped.turnsPerSecond.toFixed(0)} turns/s`],
      [`round ${i + 1} instant-win conversations: Parley`, `${r.claims.repliesPerSecond.toFixed(0)} claims/s (claim turn p50 ${ms(r.claims.latencies, 50)}, p99 ${ms(r.claims.latencies, 99)}), ratio ${r.claimRatio.toFixed(3)}, to its shape ${r.shapedRatio.toFixed(3)}`],
      [`round ${i + 1} CPU cores busy, ceiling / Parley / Parley claims`, `${r.ceiling.cpu} / ${r.closed.cpu} / ${r.claims.cpu}`],
    ]),
    ['median ceiling / Parley', `${ceilingRate.toFixed(0)} / ${parleyRate.toFixed(0)} turns/s`],
    ['closed loop ratio Parley / ceiling (median of the rounds)', `${ratio.toFixed(3)} (target ≥ 0.5)`],
    ['strict ceiling: same server, sockets stay connected', `${connected.turnsPerSecond.toFixed(0)} round trips/s (p50 ${ms(connected.latencies, 50)}, p99 ${ms(connected.latencies, 99)})`],
    ['closed loop ratio Parley / strict ceiling', strictRatio.toFixed(3)],
    ['instant-win claims/s (median of the rounds; start turn + claim turn per visitor)', `${claimRate.toFixed(0)}, ${(won / claimSeconds).toFixed(0)} won/s (${won} moments in ${claimSeconds} s)`],
    ['instant-win claims / ceiling round trips (median of the rounds)', `${claimRatio.toFixed(3)} (target ≥ ${CLAIMS_TARGET})`],
    ['instant-win claims / round trips of the same-shape ceiling (median; 0.5 at most)', shapedRatio.toFixed(3)],
    [
      "instant-win claims / the bare server's conversations of that shape (median)",
      `${conversationShare.toFixed(3)}; the target's claims/s (${CLAIMS_TARGET} × the round's ceiling) are ${targetShare.toFixed(3)} of them`,
    ],
    [`open loop: Parley offered ${offered.toFixed(0)} turns/s (½ ceiling; medians of ${ROUNDS} rounds)`, `${open.turnsPerSecond.toFixed(0)} turns/s served, p50 ${open.p50.toFixed(1)} ms, p99 ${open.p99.toFixed(1)} ms (target p99 < 50 ms; rounds ${p99s(open)} ms)`],
    [`open loop: bare server offered the same, alternated with Parley`, `${bareOpen.turnsPerSecond.toFixed(0)} turns/s served, p50 ${bareOpen.p50.toFixed(1)} ms, p99 ${bareOpen.p99.toFixed(1)} ms (rounds ${p99s(bareOpen)} ms)`],
    ['open loop p99, Parley / bare server (median of the rounds)', (open.p99 / bareOpen.p99).toFixed(2)],
    [
      'Parley server GC over its open-loop rounds (every turn in flight waits out a pause)',
      `${scavenges.count} scavenges, ${scavengeMeanMs.toFixed(1)} ms each on average; ${full.count} full, ${full.ms.toFixed(0)} ms with their marking steps; ${((100 * (scavenges.ms + full.ms)) / (ROUNDS * SECONDS * 1000)).toFixed(1)} % of the time`,
    ],
    ['failed conversations (ceiling / closed / claims / open)', `${failures[0]} / ${failures[1]} / ${failures[2]} / ${open.failures} (bare server in the open loop: ${bareOpen.failures})`],
    [`SQL statements per turn (${COUNTED} sequential conversations)`, `${perTurn.toFixed(2)} (${counted.statements} for ${counted.turns} turns, handshakes included)`],
    [`SQL statements / round trips per instant-win participation (${COUNTED} sequential)`, `${(countedClaims.statements / COUNTED).toFixed(2)} / ${(countedClaims.roundTrips / COUNTED).toFixed(2)}`],
    ['group commits during the closed-loop rounds', `${grouped.transactions} transactions in ${grouped.groups} groups (${(grouped.transactions / Math.max(1, grouped.groups)).toFixed(2)} per group)`],
    ['partitions per store table (BENCH_PARTITION_DAYS)', `${partitions}`],
    ['database round trips per turn', `${roundTripsPerTurn.toFixed(2)} (${counted.roundTrips}; BEGIN and COMMIT ride with the statements next to them)`],
  ]);
  process.stdout.write(`RESULT ceiling_turns_per_s=${ceilingRate.toFixed(0)} strict_ceiling_round_trips_per_s=${connected.turnsPerSecond.toFixed(0)}\n`);
  process.stdout.write(`RESULT chat_turns_per_s=${parleyRate.toFixed(0)} ratio=${ratio.toFixed(3)} strict_ratio=${strictRatio.toFixed(3)}\n`);
  process.stdout.write(`RESULT open_loop_offered=${offered.toFixed(0)} open_p50_ms=${open.p50.toFixed(1)} open_p99_ms=${open.p99.toFixed(1)} bare_open_p50_ms=${bareOpen.p50.toFixed(1)} bare_open_p99_ms=${bareOpen.p99.toFixed(1)} open_scavenge_mean_ms=${scavengeMeanMs.toFixed(1)}\n`);
  process.stdout.write(`RESULT instant_win_claims_per_s=${claimRate.toFixed(0)} claims_vs_ceiling_ratio=${claimRatio.toFixed(3)} claims_vs_same_shape_ceiling_ratio=${shapedRatio.toFixed(3)} claims_vs_same_shape_conversations_ratio=${conversationShare.toFixed(3)} claims_target_vs_same_shape_conversations_ratio=${targetShare.toFixed(3)}\n`);
  process.stdout.write(`RESULT statements_per_turn=${perTurn.toFixed(2)} round_trips_per_turn=${roundTripsPerTurn.toFixed(2)}\n`);
} finally {
  await ceilingServer.stop();
  await server.stop();
  await database.close();
}
