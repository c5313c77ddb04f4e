import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, cliNodeFlags, embeddedEnv, runParleyWith } from '../support/cli-process.js';
import { COMMANDS } from '../../runtime/cli/commands.js';
import { EXPORT_NODE_FLAGS } from '../../runtime/export-process/export-run-protocol.js';

// The compiled CLI, run the way an operator runs it, on the embedded default (no DATABASE_URL).
// Nothing here may start PostgreSQL: the data directory must still not exist afterwards.
let root: string;
let dataDir: string;
const { version } = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };

beforeAll(async () => {
  await buildDist();
  root = await mkdtemp(path.join(os.tmpdir(), 'parley-cli-usage-'));
  dataDir = path.join(root, 'data');
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const parley = (args: string[], extra: Record<string, string> = {}) => runParleyWith(args, embeddedEnv(dataDir, extra));

describe('parley --help, --version and <command> --help', () => {
  it('answer without starting anything', async () => {
    const help = await parley(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    for (const command of COMMANDS) expect(help.stdout).toContain(`  ${command.name} `);

    expect(await parley(['--version'])).toEqual({ code: 0, stdout: `parley ${version}\n`, stderr: '' });

    for (const command of COMMANDS) {
      const own = await parley([...command.name.split(' '), '--help']);
      expect(own.code, command.name).toBe(0);
      expect(own.stdout).toContain(`Usage: parley ${command.name}`);
      expect(own.stdout).toContain('Options:');
    }
    const keys = await parley(['key', '--help']);
    expect(keys.code).toBe(0);
    expect(keys.stdout).toMatch(/^ {2}key create +Issue another API key/m);
    expect(keys.stdout).toMatch(/^ {2}key revoke +Revoke an API key/m);
    expect(keys.stdout).not.toContain('sweep');
    const workspace = await parley(['help', 'workspace', 'create']);
    expect(workspace.stdout).toMatch(/--name NAME\s+the workspace's name/);
    expect(workspace.stdout).toMatch(/--time-zone ZONE\s+IANA time zone/);

    // No PostgreSQL data directory, no generated master key: nothing was started.
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('bin/parley.js as an executable', () => {
  it('runs through its first line (`env -S node` with the CLI\'s V8 flags), as npx and a shell start it', async () => {
    expect(cliNodeFlags()).toEqual(['--min-semi-space-size=16', '--no-memory-reducer', '--no-allocation-site-pretenuring']);
    // The server's export run processes start with the same.
    expect(cliNodeFlags()).toEqual(EXPORT_NODE_FLAGS);
    const bin = path.resolve(import.meta.dirname, '../../bin/parley.js');
    const out = await new Promise<{ error: Error | null; stdout: string; stderr: string }>((resolve) =>
      execFile(bin, ['--version'], { env: embeddedEnv(dataDir) }, (error, stdout, stderr) => resolve({ error, stdout, stderr })),
    );
    expect(out).toEqual({ error: null, stdout: `parley ${version}\n`, stderr: '' });
  });
});

describe('parley failures', () => {
  it('print "parley: <reason>" and exit non-zero, without a stack trace or starting PostgreSQL', async () => {
    const cases: Array<{ args: string[]; env?: Record<string, string>; code: number; reason: string | RegExp }> = [
      { args: [], code: 2, reason: 'parley: no command given' },
      { args: ['frobnicate'], code: 2, reason: 'parley: unknown command "frobnicate"' },
      { args: ['--frob'], code: 2, reason: 'parley: unknown option "--frob"' },
      { args: ['workspace'], code: 2, reason: 'parley: workspace needs a subcommand: create' },
      { args: ['key', 'rotate'], code: 2, reason: 'parley: unknown key subcommand "rotate"; use one of: create, revoke' },
      { args: ['sweep', '--nope'], code: 2, reason: 'parley: sweep: unknown option --nope' },
      { args: ['sweep', 'now'], code: 2, reason: /^parley: sweep: unexpected argument/ },
      { args: ['sweep', '--batch-size'], code: 2, reason: 'parley: sweep: option --batch-size needs a value' },
      { args: ['sweep', '--batch-size', 'lots'], code: 2, reason: 'parley: --batch-size: must be a positive whole number' },
      { args: ['workspace', 'create'], code: 2, reason: 'parley: --name: required by parley workspace create' },
      { args: ['key', 'revoke', '--workspace', 'w1', '--key', 'k1'], code: 2, reason: 'parley: --workspace: must be an id (a UUID)' },
      { args: ['export', 'render', '--workspace', 'x', '--export', 'y', '--out', 'f', '--stats=yes'], code: 2, reason: 'parley: export render: option --stats takes no value' },
      { args: ['sweep'], env: { PARLEY_SWEEP_CRON: '61 * * * *' }, code: 1, reason: /^parley: PARLEY_SWEEP_CRON: not a valid cron expression/ },
      { args: ['workspace', 'create', '--name', 'A'], env: { PARLEY_SWEEP_CRON: 'every minute' }, code: 1, reason: /^parley: PARLEY_SWEEP_CRON: not a valid cron expression/ },
      { args: ['sweep'], env: { LOG_LEVEL: 'loud' }, code: 1, reason: /^parley: LOG_LEVEL: not a log level; use one of fatal, error, warn, info/ },
      { args: ['migrate'], env: { PARLEY_SWEEP_BATCH: '0' }, code: 1, reason: 'parley: PARLEY_SWEEP_BATCH: must be a whole number from 1 to 1000000' },
      { args: ['sweep'], env: { DATABASE_URL: 'mysql://db/parley' }, code: 1, reason: 'parley: DATABASE_URL: must be a postgres:// URL' },
    ];
    for (const c of cases) {
      const result = await parley(c.args, c.env);
      const label = `parley ${c.args.join(' ')} ${JSON.stringify(c.env ?? {})}`;
      expect(result.code, label).toBe(c.code);
      expect(result.stdout, label).toBe('');
      const first = result.stderr.split('\n')[0]!;
      if (typeof c.reason === 'string') expect(first, label).toBe(c.reason);
      else expect(first, label).toMatch(c.reason);
      expect(result.stderr, label).not.toMatch(/^\s+at /m);
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  it('prints the stack only when PARLEY_DEBUG is set', async () => {
    const quiet = await parley(['sweep'], { LOG_LEVEL: 'loud' });
    const debug = await parley(['sweep'], { LOG_LEVEL: 'loud', PARLEY_DEBUG: '1' });
    expect(quiet.stderr).not.toMatch(/^\s+at /m);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^parley: LOG_LEVEL: not a log level/);
    expect(debug.stderr).toMatch(/^\s+at .*config/m);
  });
});
