import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, type CliCommand } from './cli-command.js';
import { COMMANDS } from './commands.js';
import { loadConfig } from '../config.js';
import { describeFailure } from '../failure-message.js';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * The operator CLI. Returns the process exit code: 0 on success, 1 when a command fails, 2 for a
 * usage error. Every failure is one `parley: <reason>` line on stderr, never a stack trace
 * (unless `PARLEY_DEBUG` is set). `--help`, `--version` and `<command> --help` start nothing.
 */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CliCommand[] = COMMANDS): Promise<number> {
  try {
    return await dispatch(argv, io, commands);
  } catch (error) {
    io.stderr.write(`parley: ${describeFailure(error, io.env)}\n`);
    if (error instanceof UsageError) io.stderr.write(`(see parley --help)\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

async function dispatch(argv: readonly string[], io: CliIo, commands: readonly CliCommand[]): Promise<number> {
  const [first, second] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (first === '--help' || first === '-h' || (first === 'help' && second === undefined)) {
    io.stdout.write(overview(commands));
    return 0;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout.write(`parley ${packageVersion()}\n`);
    return 0;
  }
  const helpFor = first === 'help';
  const words = helpFor ? argv.slice(1) : argv;
  const group = commands.filter((c) => c.name.startsWith(`${words[0]} `));
  if (group.length > 0 && (helpFor ? words.length === 1 : ['--help', '-h'].includes(words[1] ?? ''))) {
    io.stdout.write(overview(group));
    return 0;
  }
  const command = findCommand(words, commands);
  const rest = words.slice(command.name.split(' ').length);
  if (helpFor || rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help);
    return 0;
  }
  const config = loadConfig(io.env);
  // Loaded only now: help and usage errors need none of the database code.
  const [{ openCliResources }, { createLogger }] = await Promise.all([import('./cli-resources.js'), import('../logger.js')]);
  const resources = openCliResources(config, createLogger(io.env.LOG_LEVEL ? config.logLevel : 'warn'));
  try {
    return await command.run(rest, { config, stdout: io.stdout, databaseUrl: resources.databaseUrl, storage: resources.storage });
  } finally {
    await resources.close();
  }
}

/** The command whose words begin `argv` (the longest such name). */
function findCommand(argv: readonly string[], commands: readonly CliCommand[]): CliCommand {
  const matches = commands.filter((c) => c.name.split(' ').every((word, i) => argv[i] === word));
  const found = matches.sort((a, b) => b.name.length - a.name.length)[0];
  if (found) return found;
  const first = argv[0] ?? '';
  if (first.startsWith('-')) throw new UsageError(`unknown option ${shown(first)}`.trimEnd());
  const group = commands.filter((c) => c.name.startsWith(`${first} `));
  if (group.length > 0) {
    const subs = group.map((c) => c.name.slice(first.length + 1)).join(', ');
    throw new UsageError(argv[1] === undefined ? `${first} needs a subcommand: ${subs}` : `unknown ${first} subcommand ${shown(argv[1])}; use one of: ${subs}`);
  }
  throw new UsageError(`unknown command ${shown(first)}`.trimEnd());
}

/** A word typed by the operator, quoted when it looks like a word (anything else is not echoed). */
function shown(word: string): string {
  return /^-{0,2}[\w.:-]{1,40}$/.test(word) ? `"${word}"` : '';
}

function overview(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: parley <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run "parley <command> --help" for its options; "parley --version" prints the version.',
    '',
    'Database: DATABASE_URL when set (then PARLEY_MASTER_KEY is required). Otherwise the embedded',
    'PostgreSQL under PARLEY_DATA_DIR (default ./.parley): the running server\'s when `npm start` is',
    'up in that directory, else one started for the command. PARLEY_DEBUG=1 prints stack traces.',
    '',
  ].join('\n');
}

/** The `version` of Parley's package.json, found by walking up from this file (source or dist/). */
function packageVersion(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)), i = 0; i < 5; dir = path.dirname(dir), i++) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'parley' && manifest.version) return manifest.version;
    } catch {
      // not here; look one level up
    }
  }
  return 'unknown';
}
