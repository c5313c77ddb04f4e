import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExport } from '../../../storage/export-repository.js';
import { buildDist, runParley } from '../../support/cli-process.js';
import { flowSetup, saveTestFlow } from '../../support/flow-harness.js';
import { BENCH_FLOW } from '../../support/participation-fixture.js';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';

/**
 * The packages an export loads only when a run needs them (a destination's SDK, GPG, ZIP, phone
 * numbers, country names): together they would take an export process past its memory budget
 * before it reads a row. A name ending in `/` stands for a whole npm scope.
 */
const ON_DEMAND = ['@aws-sdk/', '@google-cloud/storage', 'openpgp', 'ssh2', 'ssh2-sftp-client', 'basic-ftp', 'archiver', 'archiver-zip-encrypted', 'libphonenumber-js', 'i18n-iso-countries'];

const TRACE_PRELOAD = pathToFileURL(path.resolve(import.meta.dirname, '../../support/package-trace.mjs')).href;

/** Fields whose filters need no library. */
const PLAIN_FIELDS = [
  { field: 'form.contest_entry_hash_id', column: 'ID', filter: 'lower_case' },
  { field: 'form.created_at', column: 'DATE', filter: 'date_ddmmyyyy' },
  { field: 'device.mobile', column: 'MOBILE', filter: 'true_false' },
];

let storage: TestStorage;
let dir: string;
let workspaceId: string;

beforeAll(async () => {
  [storage] = await Promise.all([createTestStorage(), buildDist()]);
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-export-packages-'));
  const { workspace } = await flowSetup(storage);
  workspaceId = workspace.id;
  await saveTestFlow(storage, workspace, 'bench', BENCH_FLOW);
}, 180_000);
afterAll(async () => {
  await storage?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The npm packages named in a trace (the innermost `node_modules/<name>` of each line). */
function packagesIn(trace: string): Set<string> {
  const names = new Set<string>();
  for (const line of trace.split('\n')) {
    const matches = [...line.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)];
    const last = matches.at(-1);
    if (last) names.add(last[1]!);
  }
  return names;
}

const isOnDemand = (name: string) => ON_DEMAND.some((entry) => (entry.endsWith('/') ? name.startsWith(entry) : name === entry));

/** Runs the compiled `parley` CLI with the package trace preloaded; returns its result and the packages it loaded. */
async function traced(args: string[], name: string) {
  const trace = path.join(dir, `${name}.trace`);
  const result = await runParley(args, { databaseUrl: storage.url, masterKey: storage.masterKey, dataDir: dir, nodeOptions: ['--import', TRACE_PRELOAD], extra: { PARLEY_PACKAGE_TRACE: trace } });
  return { result, packages: packagesIn(await readFile(trace, 'utf8')) };
}

describe('packages an export loads', () => {
  it('parley export render of an export to S3 with a GPG key loads no destination SDK, openpgp, archiver, libphonenumber-js or i18n-iso-countries', async () => {
    const { publicKey } = await generateKey({ userIDs: [{ email: 'partner@example.org' }], format: 'armored' });
    const definition = {
      name: 'To S3, encrypted',
      source: { flow: 'bench' },
      fields: PLAIN_FIELDS,
      format: { type: 'csv' },
      fileNamePattern: '{export}-{run}',
      destination: { kind: 's3', bucket: 'partner-drop', region: 'eu-west-3', accessKeyId: 'AKIAEXAMPLE' },
      secretKeys: ['secretAccessKey'],
      encryption: { publicKey },
    };
    const row = await createExport(storage, workspaceId, definition, { secretAccessKey: 'not-a-real-secret' });

    const out = path.join(dir, 'render.csv');
    const { result, packages } = await traced(['export', 'render', '--workspace', workspaceId, '--export', row.id, '--out', out, '--stats'], 'render');

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('rows: 0');
    expect(packages, 'the trace sees the packages the export does use').toContain('pg');
    expect([...packages].filter(isOnDemand)).toEqual([]);
  }, 120_000);

  it('parley export run to a local directory delivers the file and loads none of them either', async () => {
    const definition = { name: 'To a folder', source: { flow: 'bench' }, fields: PLAIN_FIELDS, format: { type: 'csv' }, fileNamePattern: '{export}-{run}', destination: { kind: 'local', directory: 'partner' } };
    const row = await createExport(storage, workspaceId, definition, null);

    const { result, packages } = await traced(['export', 'run', '--workspace', workspaceId, '--export', row.id], 'run');

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^run 1: succeeded$/m);
    expect(await readFile(path.join(dir, 'exports', 'partner', 'To a folder-1.csv'), 'utf8')).toMatch(/^ID,DATE,MOBILE\r?\n$/);
    expect(packages).toContain('pg');
    expect([...packages].filter(isOnDemand)).toEqual([]);
  }, 120_000);
});
