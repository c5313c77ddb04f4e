/**
 * 1,000,000 participations → CSV with 5 filters to a local file (`parley export render`, in a
 * fresh process, so its peak RSS is its own), against PostgreSQL's `COPY (…) TO STDOUT (FORMAT csv)` of the same rows in
 * the same run: prints rows/s for both, the ratio, and peak RSS. Target: ratio ≥ 0.5.
 * Env: BENCH_ROWS (default 1,000,000).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { benchDatabase, printTable } from './support/bench-database.js';
import { BENCH_FLOW, FIVE_FILTER_EXPORT, insertParticipations } from '../test/support/participation-fixture.js';
import { buildDist, runParley } from '../test/support/cli-process.js';
import { createExport } from '../storage/export-repository.js';
import { systemClock } from '../core/clock.js';
import { CAPABILITIES } from '../runtime/capabilities.js';
import { saveFlowDocument } from '../runtime/engine/flow-lifecycle.js';
import { ModuleRegistry } from '../core/module-registry.js';
import { MODULES } from '../modules/index.js';
import { generateMasterKey } from '../storage/crypto/master-key.js';
import { openStorage } from '../storage/storage.js';
import { createWorkspace } from '../storage/workspace-repository.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const database = await benchDatabase();
const masterKey = generateMasterKey();
const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-export-bench-'));
const storage = await openStorage({ connectionString: database.url, masterKey, clock: systemClock, schedule: false });
try {
  const workspace = await createWorkspace(storage, { name: 'Bench', timeZone: 'Europe/Paris' });
  const { flow } = await saveFlowDocument({ storage, registry: new ModuleRegistry(MODULES), clock: systemClock, capabilities: CAPABILITIES }, workspace, 'bench', BENCH_FLOW);
  await insertParticipations(storage.db, { workspaceId: workspace.id, flowId: flow.id, count: ROWS, start: new Date(Date.now() - 20 * 86_400_000) });

  await buildDist();
  const row = await createExport(storage, workspace.id, { ...FIVE_FILTER_EXPORT }, null);
  const result = await runParley(['export', 'render', '--workspace', workspace.id, '--export', row.id, '--out', path.join(dir, 'export.csv'), '--stats'], { databaseUrl: database.url, masterKey });
  if (result.code !== 0) throw new Error(result.stderr);
  const exported = JSON.parse(result.stdout.trim().split('\n').pop()!) as { rows: number; seconds: number; maxRssMb: number };

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const began = performance.now();
  let copied = 0;
  await pipeline(
    client.query(copyTo(`copy (select participant_ref, created_at, data->'device'->>'country', data->'device'->>'browser', data->'device'->>'mobile', data->>'chrono', data->'device'->>'originUrl'
      from store_participations where workspace_id = '${workspace.id}' and expires_at > now() order by created_at, id) to stdout (format csv)`)),
    new Writable({ write(chunk: Buffer, _e, done) { for (const byte of chunk) if (byte === 10) copied += 1; done(); } }),
  );
  const copySeconds = (performance.now() - began) / 1000;
  await client.end();

  const exportRate = exported.rows / exported.seconds;
  const copyRate = copied / copySeconds;
  printTable(`export vs COPY (${ROWS.toLocaleString('en')} rows, CSV, 5 filters)`, [
    ['export rows/s', `${exportRate.toFixed(0)} (${exported.rows} rows in ${exported.seconds.toFixed(1)} s)`],
    ['COPY rows/s', `${copyRate.toFixed(0)} (${copied} rows in ${copySeconds.toFixed(1)} s)`],
    ['ratio export / COPY', `${(exportRate / copyRate).toFixed(2)} (target ≥ 0.5)`],
    ['export peak RSS', `${exported.maxRssMb.toFixed(0)} MB`],
  ]);
  process.stdout.write(`RESULT export_vs_copy_ratio=${(exportRate / copyRate).toFixed(3)} export_peak_rss_mb=${exported.maxRssMb.toFixed(0)}\n`);
} finally {
  await storage.close();
  await database.close();
  await rm(dir, { recursive: true, force: true });
}
