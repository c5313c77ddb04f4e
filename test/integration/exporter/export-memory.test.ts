import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { BENCH_FLOW, FIVE_FILTER_EXPORT, insertParticipations } from '../../support/participation-fixture.js';
import { buildDist, runParley } from '../../support/cli-process.js';
import { createExport } from '../../../storage/export-repository.js';

const ROWS = 1_000_000;
let storage: TestStorage;
let dir: string;

beforeAll(async () => {
  storage = await createTestStorage();
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-export-memory-'));
  await buildDist();
});
afterAll(async () => {
  await storage.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('export memory', () => {
  // The V8 heap is capped the way an operator caps a worker: an export that buffered its rows
  // would die of it, and the process's peak RSS no longer depends on how lazily V8 collects.
  it('exports 1,000,000 rows with 5 filters to a file within a 96 MB heap and peak RSS under 200 MB (parley export render)', async () => {
    const { workspace } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'bench', BENCH_FLOW);
    await insertParticipations(storage.db, { workspaceId: workspace.id, flowId: flow.id, count: ROWS, start: new Date(storage.clock.now().getTime() - 20 * 86_400_000) });
    const row = await createExport(storage, workspace.id, { ...FIVE_FILTER_EXPORT }, null);
    const out = path.join(dir, 'export.csv');
    const result = await runParley(['export', 'render', '--workspace', workspace.id, '--export', row.id, '--out', out, '--stats'], { databaseUrl: storage.url, masterKey: storage.masterKey, nodeOptions: ['--max-old-space-size=96'] });
    expect(result.code, result.stderr).toBe(0);
    const figures = JSON.parse(result.stdout.trim().split('\n').pop()!) as { rows: number; maxRssMb: number };
    expect(figures.rows).toBe(ROWS);
    expect((await stat(out)).size).toBeGreaterThan(ROWS * 40);
    expect(figures.maxRssMb).toBeLessThan(200);
  }, 600_000);
});
