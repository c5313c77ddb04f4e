/**
 * Custom exports against PostgreSQL's `COPY (…) TO STDOUT (FORMAT csv)` of the same rows, in the
 * same run. A flow with email capture, a text question, a consent and a giveaway; every entry has
 * related rows (email and answer in variables, consent, code, every tenth a win; every fifth entry
 * is a returning participant). Each export runs in a fresh `parley` process, so its peak RSS is
 * its own, start included. Measured at BENCH_CHECKPOINT entries and again at BENCH_ROWS, to show
 * the growth is linear:
 * - the related-fields export (8 fields, 5 filters: entry id and date, email, text answer,
 *   consent, gift, code, country) vs COPY of the flow's participations (the ratio, the
 *   `export_vs_copy_ratio` RESULT) and vs COPY of the same rows joined in SQL;
 * - the 5-filter export of participation fields only vs the same COPY (the exports and COPY in
 *   three alternated runs each, medians);
 * - at BENCH_ROWS, the related export delivered to a local destination with and without GPG
 *   (three alternated runs each, medians; the peak RSS of every run counts);
 * - the peak RSS of an export with no rows;
 * - the rate of opening the export's sealed values alone (two per entry, on one thread, as the
 *   export does): a ceiling no related export of them passes, printed against COPY;
 * - COPY of the entries' related rows alone (no join, no order): with COPY of the participations,
 *   what any related export must read, and so the most it can reach against that COPY;
 * - the related export of the flow saved without its giveaway (a sign-up: one entry per session,
 *   found by a sort of its rows), against the same export of the participations
 *   (`session_entries_vs_participations_rate_ratio`; three alternated runs each, medians);
 * - last, the related export again once every entry has six more answers that it does not
 *   select, against its rate without them (`unread_answers_rate_ratio`).
 * Targets: ratio ≥ 0.5, rows/s flat between the two sizes, RSS < 200 MB, GPG adds ≤ 30 %.
 * Env: BENCH_ROWS (default 1,000,000), BENCH_CHECKPOINT (default 100,000), BENCH_PARTITION_DAYS
 * (default 0: a fresh database's partitions, the entries in the default one; n: one partition per
 * day for n days, as the sweeper leaves a store, so the related rows' lookups probe each).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateKey } from 'openpgp';
import { benchDatabase, printTable } from './support/bench-database.js';
import { copyEntriesSql, copyJoinedSql, copyRate, copyRelatedSql, exportFigures, openRate, type ExportFigures } from './support/export-measures.js';
import { FIVE_FILTER_EXPORT } from '../test/support/participation-fixture.js';
import { insertRelatedEntries, insertUnreadAnswers, RELATED_FIELDS_EXPORT, RELATED_FLOW } from '../test/support/related-entries-fixture.js';
import { buildDist } from '../test/support/cli-process.js';
import { createExport } from '../storage/export-repository.js';
import { systemClock } from '../core/clock.js';
import { CAPABILITIES } from '../runtime/capabilities.js';
import { saveFlowDocument } from '../runtime/engine/flow-lifecycle.js';
import { ModuleRegistry } from '../core/module-registry.js';
import { MODULES } from '../modules/index.js';
import { generateMasterKey } from '../storage/crypto/master-key.js';
import { openStorage } from '../storage/storage.js';
import { createWorkspace } from '../storage/workspace-repository.js';
import { layOutStores } from './support/daily-partitions.js';
import { medianBy } from './support/latency.js';

/**
 * The most any export of related fields can reach against COPY of the participations, in COPY's
 * own terms: it has to get the entries and their related rows out of PostgreSQL, and COPY is the
 * fastest PostgreSQL sends rows (all in shared buffers here: CPU-bound). `serial`: both read one
 * after the other (one connection, as COPY of the participations is); `parallel`: that work spread
 * evenly over the machine's two cores, with nothing left of them for decrypting, filtering and
 * writing the rows.
 */
interface ReadingBound {
  readonly serial: number;
  readonly parallel: number;
}
const readingBound = (entriesSeconds: number, relatedSeconds: number): ReadingBound => ({
  serial: entriesSeconds / (entriesSeconds + relatedSeconds),
  parallel: Math.min(1, (2 * entriesSeconds) / (entriesSeconds + relatedSeconds)),
});

/** The highest peak RSS among runs of an export. */
const peakOf = (runs: readonly ExportFigures[]): number => Math.max(...runs.map((f) => f.maxRssMb));

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CHECKPOINT = Math.min(ROWS, Number(process.env.BENCH_CHECKPOINT ?? 100_000));
const PLAIN_RUNS = 3;
/** Answers per entry that no field of the related export reads, added for its last measure. */
const UNREAD_ANSWERS = 6;
const database = await benchDatabase();
const masterKey = generateMasterKey();
const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-export-bench-'));
const storage = await openStorage({ connectionString: database.url, masterKey, clock: systemClock, schedule: false });
const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 0 });
try {
  const partitions = await layOutStores(storage.db, new Date(), Number(process.env.BENCH_PARTITION_DAYS ?? 0));
  process.stdout.write(`partitions per store table (BENCH_PARTITION_DAYS): ${partitions}\n`);
  const workspace = await createWorkspace(storage, { name: 'Bench', timeZone: 'Europe/Paris' });
  const deps = { storage, registry: new ModuleRegistry(MODULES), clock: systemClock, capabilities: CAPABILITIES };
  const { flow } = await saveFlowDocument(deps, workspace, 'related', RELATED_FLOW);
  await saveFlowDocument(deps, workspace, 'empty', RELATED_FLOW);
  const { publicKey } = await generateKey({ userIDs: [{ email: 'bench@example.org' }], format: 'armored' });
  const local = { kind: 'local', directory: 'bench' };
  const exports = {
    related: await createExport(storage, workspace.id, { ...RELATED_FIELDS_EXPORT }, null),
    plain: await createExport(storage, workspace.id, { ...FIVE_FILTER_EXPORT, name: 'Participation fields', source: { flow: 'related' } }, null),
    empty: await createExport(storage, workspace.id, { ...RELATED_FIELDS_EXPORT, name: 'No rows', source: { flow: 'empty' } }, null),
    delivered: await createExport(storage, workspace.id, { ...RELATED_FIELDS_EXPORT, name: 'Delivered', destination: local }, null),
    sealed: await createExport(storage, workspace.id, { ...RELATED_FIELDS_EXPORT, name: 'Delivered with GPG', destination: local, encryption: { publicKey } }, null),
  };
  await buildDist();
  const measure = (command: 'render' | 'run', exportId: string): Promise<ExportFigures> =>
    exportFigures(command, { workspaceId: workspace.id, exportId, dir, databaseUrl: database.url, masterKey });

  const start = new Date(Date.now() - 20 * 86_400_000);
  const rounds: Array<{ entries: number; related: ExportFigures; plain: ExportFigures; copy: number; joined: number; bound: ReadingBound }> = [];
  let inserted = 0;
  for (const size of [...new Set([CHECKPOINT, ROWS])]) {
    const began = performance.now();
    await insertRelatedEntries(storage.db, storage.keyring, { workspaceId: workspace.id, flowId: flow.id, first: inserted + 1, count: size - inserted, start });
    process.stdout.write(`inserted ${fmt(size - inserted)} entries with their related rows in ${((performance.now() - began) / 1000).toFixed(0)} s\n`);
    // Statistics, as autovacuum gives every real database soon after such inserts: the export's
    // plans are chosen on them (without them the bench once hid a plan twice as slow).
    await storage.pool.query('analyze');
    inserted = size;
    // Every export and COPY takes seconds, and one run varies by a fifth or more on a shared
    // machine (the related export of 100,000 entries: 19,081–23,290 rows/s in four single runs):
    // three alternated runs each, medians.
    const relateds: ExportFigures[] = [];
    const plains: ExportFigures[] = [];
    const copies: Array<Awaited<ReturnType<typeof copyRate>>> = [];
    const relatedCopies: Array<Awaited<ReturnType<typeof copyRate>>> = [];
    for (let run = 0; run < PLAIN_RUNS; run += 1) {
      relateds.push(await measure('render', exports.related.id));
      plains.push(await measure('render', exports.plain.id));
      copies.push(await copyRate(database.url, copyEntriesSql(workspace.id, flow.id)));
      relatedCopies.push(await copyRate(database.url, copyRelatedSql(workspace.id, flow.id)));
    }
    const related = { ...medianBy(relateds, (f) => f.rate), maxRssMb: peakOf(relateds) };
    const plain = medianBy(plains, (f) => f.rate);
    const copy = medianBy(copies, (f) => f.rate);
    const relatedCopy = medianBy(relatedCopies, (f) => f.seconds);
    const bound = readingBound(copy.seconds, relatedCopy.seconds);
    const joined = await copyRate(database.url, copyJoinedSql(workspace.id, flow.id));
    if (relateds.some((f) => f.rows !== size) || plains.some((f) => f.rows !== size) || copies.some((f) => f.rows !== size) || joined.rows !== size) throw new Error(`row counts differ: ${relateds.map((f) => f.rows).join('/')} ${plains.map((f) => f.rows).join('/')} ${copies.map((f) => f.rows).join('/')} ${joined.rows}`);
    rounds.push({ entries: size, related, plain, copy: copy.rate, joined: joined.rate, bound });
    printTable(`exports vs COPY at ${fmt(size)} entries (CSV, 5 filters; rows/s)`, [
      [`related-fields export (median of ${PLAIN_RUNS})`, `${fmt(related.rate)} (${related.seconds.toFixed(1)} s, peak RSS ${related.maxRssMb.toFixed(0)} MB; runs ${relateds.map((f) => fmt(f.rate)).join(', ')})`],
      [`participation-fields export (median of ${PLAIN_RUNS})`, `${fmt(plain.rate)} (${plain.seconds.toFixed(1)} s, peak RSS ${plain.maxRssMb.toFixed(0)} MB; runs ${plains.map((f) => fmt(f.rate)).join(', ')})`],
      [`COPY of the participations (median of ${PLAIN_RUNS})`, `${fmt(copy.rate)} (${copy.seconds.toFixed(1)} s; runs ${copies.map((f) => fmt(f.rate)).join(', ')})`],
      ['COPY of the same rows joined', `${fmt(joined.rate)} (${joined.seconds.toFixed(1)} s)`],
      [`COPY of their related rows, joined to nothing (median of ${PLAIN_RUNS})`, `${fmt(relatedCopy.rows)} rows in ${relatedCopy.seconds.toFixed(1)} s (runs ${relatedCopies.map((f) => f.seconds.toFixed(2)).join(', ')} s)`],
      ['most any related export reaches / COPY participations', `${bound.serial.toFixed(3)} reading both on one connection; ${bound.parallel.toFixed(3)} spread over both cores, with no CPU left for anything else`],
      ['related export / COPY participations', (related.rate / copy.rate).toFixed(3)],
      ['related export / COPY joined', (related.rate / joined.rate).toFixed(3)],
      ['participation export / COPY', (plain.rate / copy.rate).toFixed(3)],
    ]);
  }
  // Three alternated runs each, medians, as above: single runs once printed GPG's share as
  // −24 % to −5 % (the delivery without GPG was the slower then, its rows pretenured by V8: see
  // the CLI's flags in bin/parley.js).
  const deliveries: ExportFigures[] = [];
  const sealings: ExportFigures[] = [];
  for (let run = 0; run < PLAIN_RUNS; run += 1) {
    deliveries.push(await measure('run', exports.delivered.id));
    sealings.push(await measure('run', exports.sealed.id));
  }
  const delivered = medianBy(deliveries, (f) => f.seconds);
  const sealed = medianBy(sealings, (f) => f.seconds);
  const empty = await measure('render', exports.empty.id);
  const first = rounds[0]!;
  const last = rounds[rounds.length - 1]!;
  const gpgOverhead = (sealed.seconds / delivered.seconds - 1) * 100;
  // The related export opens two sealed values per entry (email, answer): that alone caps its rate.
  const opening = (await openRate(storage, workspace.id, flow.id)) / 2;
  printTable(`growth, GPG and memory`, [
    [`related export rows/s at ${fmt(first.entries)} → ${fmt(last.entries)}`, `${fmt(first.related.rate)} → ${fmt(last.related.rate)} (×${(last.related.rate / first.related.rate).toFixed(2)}; 1.00 is linear)`],
    [
      `delivered locally, without → with GPG (medians of ${PLAIN_RUNS}, alternated)`,
      `${delivered.seconds.toFixed(1)} s → ${sealed.seconds.toFixed(1)} s (GPG adds ${gpgOverhead.toFixed(0)} %, target ≤ 30 %; runs ${deliveries.map((f) => f.seconds.toFixed(1)).join(', ')} → ${sealings.map((f) => f.seconds.toFixed(1)).join(', ')} s)`,
    ],
    ['opening 2 sealed values per entry alone, one thread', `${fmt(opening)} entries/s = ${(opening / last.copy).toFixed(3)} × COPY of the participations; related export at ${(last.related.rate / opening).toFixed(3)} of it`],
    [
      'peak RSS: related export rendered, delivered without and with GPG (highest of the runs), no rows',
      `${last.related.maxRssMb.toFixed(0)} MB, ${peakOf(deliveries).toFixed(0)} MB, ${peakOf(sealings).toFixed(0)} MB, ${empty.maxRssMb.toFixed(0)} MB (target < 200 MB)`,
    ],
  ]);
  // A flow without a giveaway (a sign-up) writes no entries: its export reads one per session,
  // the session's first row of variables, consents and codes, found by one sort of their union
  // (`sessionEntriesSql`). The same rows read that way, alternated with the participations.
  const SIGN_UP_FLOW = {
    ...RELATED_FLOW,
    steps: RELATED_FLOW.steps.filter((step) => step.module !== 'giveaway').map((step) => ('next' in step && step.next === 'draw' ? { ...step, next: undefined } : step)),
  };
  const bySessions: ExportFigures[] = [];
  const byParticipations: ExportFigures[] = [];
  for (let run = 0; run < PLAIN_RUNS; run += 1) {
    await saveFlowDocument(deps, workspace, 'related', SIGN_UP_FLOW);
    bySessions.push(await measure('render', exports.related.id));
    await saveFlowDocument(deps, workspace, 'related', RELATED_FLOW);
    byParticipations.push(await measure('render', exports.related.id));
  }
  if (bySessions.some((f) => f.rows !== last.entries)) throw new Error(`sessions exported: ${bySessions.map((f) => f.rows).join('/')}, entries ${last.entries}`);
  const sessions = { ...medianBy(bySessions, (f) => f.rate), maxRssMb: peakOf(bySessions) };
  const participations = medianBy(byParticipations, (f) => f.rate);
  const sessionRatio = sessions.rate / participations.rate;
  printTable(`a flow without entries: one per session (at ${fmt(last.entries)} sessions, medians of ${PLAIN_RUNS}, alternated)`, [
    ['related export, the flow saved without its giveaway', `${fmt(sessions.rate)} rows/s (${sessions.seconds.toFixed(1)} s, peak RSS ${sessions.maxRssMb.toFixed(0)} MB; runs ${bySessions.map((f) => fmt(f.rate)).join(', ')})`],
    ['the same export of the participations', `${fmt(participations.rate)} rows/s (runs ${byParticipations.map((f) => fmt(f.rate)).join(', ')})`],
    ['sessions / participations', `${sessionRatio.toFixed(2)}; against COPY of the participations ${(sessions.rate / last.copy).toFixed(3)}`],
  ]);
  // A flow asks more than an export selects: six more answers per entry, which the related export
  // does not read (it is sent the rows of the variables its fields read only).
  await insertUnreadAnswers(storage.db, storage.keyring, { workspaceId: workspace.id, flowId: flow.id, count: UNREAD_ANSWERS });
  const widened: ExportFigures[] = [];
  for (let run = 0; run < PLAIN_RUNS; run += 1) widened.push(await measure('render', exports.related.id));
  const wide = { ...medianBy(widened, (f) => f.rate), maxRssMb: peakOf(widened) };
  const wideRatio = wide.rate / last.related.rate;
  printTable(`unread answers (${UNREAD_ANSWERS} more per entry, at ${fmt(last.entries)} entries)`, [
    [`related export (median of ${PLAIN_RUNS})`, `${fmt(wide.rate)} rows/s (${wide.seconds.toFixed(1)} s, peak RSS ${wide.maxRssMb.toFixed(0)} MB; runs ${widened.map((f) => fmt(f.rate)).join(', ')})`],
    ['against the same export without them (measured before)', `${wideRatio.toFixed(2)} (1.00: unread answers cost nothing)`],
  ]);
  const peak = Math.max(last.related.maxRssMb, last.plain.maxRssMb, peakOf(deliveries), peakOf(sealings), wide.maxRssMb, sessions.maxRssMb);
  process.stdout.write(
    `RESULT export_vs_copy_ratio=${(last.related.rate / last.copy).toFixed(3)} export_vs_copy_joined_ratio=${(last.related.rate / last.joined).toFixed(3)} ` +
      `participation_export_vs_copy_ratio=${(last.plain.rate / last.copy).toFixed(3)} growth_rate_ratio=${(last.related.rate / first.related.rate).toFixed(2)} ` +
      `gpg_overhead_pct=${gpgOverhead.toFixed(0)} decrypt_ceiling_vs_copy_ratio=${(opening / last.copy).toFixed(3)} export_vs_decrypt_ceiling_ratio=${(last.related.rate / opening).toFixed(3)} export_peak_rss_mb=${peak.toFixed(0)} empty_export_rss_mb=${empty.maxRssMb.toFixed(0)} ` +
      `related_copy_bound_ratio=${last.bound.serial.toFixed(3)} related_copy_parallel_bound_ratio=${last.bound.parallel.toFixed(3)} export_vs_related_copy_bound_ratio=${(last.related.rate / last.copy / last.bound.serial).toFixed(3)} ` +
      `unread_answers_rate_ratio=${wideRatio.toFixed(2)} session_entries_vs_participations_rate_ratio=${sessionRatio.toFixed(2)}\n`,
  );
} finally {
  await storage.close();
  await database.close();
  await rm(dir, { recursive: true, force: true });
}
