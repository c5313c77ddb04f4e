import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const LAYERS = ['core', 'storage', 'modules', 'exporter', 'widget', 'runtime'];
const temporary: string[] = [];

/** Runs dependency-cruiser with the committed rules in `cwd`: its exit code and its report. */
async function cruise(cwd: string, folders: readonly string[]): Promise<{ code: number; report: string }> {
  try {
    const { stdout } = await run(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'err', ...folders], { cwd, maxBuffer: 16 << 20 });
    return { code: 0, report: stdout };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? 1, report: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

/** A throwaway tree laid out like Parley's, with the given files. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-layers-'));
  temporary.push(dir);
  const all = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true });
});

describe('import directions (../shared/DESIGN.md)', () => {
  it('hold on the whole tree', async () => {
    const { code, report } = await cruise(ROOT, LAYERS);
    expect(report).toContain('no dependency violations');
    expect(code).toBe(0);
  });

  it.each([
    ['core importing runtime', 'core/clock.ts', "import { server } from '../runtime/server.js';\nexport const clock = server;\n", 'core-imports-nothing-of-ours'],
    ['storage importing the exporter', 'storage/rows.ts', "import { render } from '../exporter/render.js';\nexport const rows = render;\n", 'storage-imports-core-only'],
    ['a module importing storage', 'modules/x/x-module.ts', "import { rows } from '../../storage/rows.js';\nexport const x = rows;\n", 'modules-import-core-only'],
    ['the exporter importing runtime', 'exporter/render.ts', "import { server } from '../runtime/server.js';\nexport const render = server;\n", 'exporter-imports-core-and-storage'],
    ['a migration importing a live list', 'storage/migrations/0009-x.ts', "import { list } from '../../core/list.js';\nexport const up = list;\n", 'migrations-are-frozen'],
  ])('fail when %s', async (_case, file, text, rule) => {
    const dir = await tree({
      'core/list.ts': 'export const list = [1];\n',
      'storage/rows.ts': 'export const rows = 1;\n',
      'exporter/render.ts': 'export const render = 1;\n',
      'runtime/server.ts': 'export const server = 1;\n',
      [file]: text,
    });
    const { code, report } = await cruise(dir, ['core', 'storage', 'modules', 'exporter', 'runtime'].filter((folder) => folder !== 'modules' || file.startsWith('modules')));
    expect(report).toContain(rule);
    expect(code).not.toBe(0);
  });
});
