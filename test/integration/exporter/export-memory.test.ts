import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { BENCH_FLOW, insertParticipations } from '../../support/participation-fixture.js';

const ROWS = 1_000_000;
let storage: TestStorage;
let dir: string;

beforeAll(async () => {
  storage = await createTestStorage();
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-export-memory-'));
});
afterAll(async () => {
  await storage.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('export memory', () => {
  it('exports 1,000,000 rows to a file with peak RSS under 200 MB', async () => {
    const { workspace } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'bench', BENCH_FLOW);
    await insertParticipations(storage.db, { workspaceId: workspace.id, flowId: flow.id, count: ROWS, start: new Date(storage.clock.now().getTime() - 20 * 86_400_000) });
    const out = path.join(dir, 'export.csv');
    const figures = await new Promise<{ rows: number; maxRssMb: number }>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', 'test/support/export-to-file.ts', storage.url, storage.masterKey, workspace.id, out], {
        cwd: path.resolve(import.meta.dirname, '../../..'),
        maxBuffer: 1024 * 1024,
      }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(JSON.parse(stdout.trim().split('\n').pop()!))));
    });
    expect(figures.rows).toBe(ROWS);
    expect((await stat(out)).size).toBeGreaterThan(ROWS * 40);
    expect(figures.maxRssMb).toBeLessThan(200);
  }, 300_000);
});
