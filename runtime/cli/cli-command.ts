import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { ParleyError } from '../../core/errors.js';
import type { Storage } from '../../storage/storage.js';

/** What a command's handler may use. Resources are opened on first use and closed by the CLI. */
export interface CliContext {
  readonly config: Config;
  readonly stdout: { write(text: string): unknown };
  /** Connection string of Parley's database (the running server's embedded one when there is one). */
  databaseUrl(): Promise<string>;
  /** Storage on that database (no scheduled jobs). */
  storage(): Promise<Storage>;
}

/** One option: `--name VALUE` (string) or `--flag` (boolean). */
export interface CliOption {
  readonly type: 'string' | 'boolean';
  /** The placeholder shown in help, e.g. `ID`. */
  readonly value?: string;
  readonly help: string;
  readonly required?: boolean;
}

type OptionValues<O extends Record<string, CliOption>> = {
  [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean : O[K]['required'] extends true ? string : string | undefined;
};

/** A command as the CLI's table holds it. */
export interface CliCommand {
  /** The words that select it, e.g. `workspace create`. */
  readonly name: string;
  /** One line for `parley --help`. */
  readonly summary: string;
  /** The text of `parley <name> --help`. */
  readonly help: string;
  /** Runs with the words after the command's name; returns the exit code. */
  run(args: readonly string[], context: CliContext): Promise<number>;
}

/** A usage error (unknown command or option, missing value): exit code 2 and a pointer to help. */
export class UsageError extends ParleyError {
  constructor(message: string, path?: string) {
    super('bad_request', message, path === undefined ? {} : { path });
  }
}

/**
 * Declares a command: its options are parsed strictly (an unknown option, a missing value or a
 * stray argument is a UsageError) and handed to `run` typed.
 *
 * @example defineCommand({ name: 'sweep', summary: 'delete expired rows now', options: {}, run: async (_o, ctx) => 0 })
 */
export function defineCommand<O extends Record<string, CliOption>>(spec: {
  name: string;
  summary: string;
  /** Extra paragraphs for `--help`, after the summary. */
  details?: string;
  options: O;
  run(options: OptionValues<O>, context: CliContext): Promise<number>;
}): CliCommand {
  const entries = Object.entries(spec.options);
  const usage = [`parley ${spec.name}`, ...entries.map(([flag, o]) => optionUsage(flag, o))].join(' ');
  const optionLines = [...entries.map(([flag, o]) => [`--${flag}${o.value ? ` ${o.value}` : ''}`, o.help] as const), ['-h, --help', 'show this help'] as const];
  const width = Math.max(...optionLines.map(([left]) => left.length)) + 2;
  const help = [`Usage: ${usage}`, '', `${spec.summary}.`, ...(spec.details ? ['', spec.details] : []), '', 'Options:', ...optionLines.map(([left, text]) => `  ${left.padEnd(width)}${text}`), ''].join('\n');
  return {
    name: spec.name,
    summary: spec.summary,
    help,
    async run(args, context) {
      const values = parseOptions(spec.name, spec.options, args);
      return spec.run(values as OptionValues<O>, context);
    },
  };
}

function optionUsage(flag: string, option: CliOption): string {
  const text = `--${flag}${option.value ? ` ${option.value}` : ''}`;
  return option.required ? text : `[${text}]`;
}

function parseOptions(command: string, options: Record<string, CliOption>, args: readonly string[]): Record<string, string | boolean | undefined> {
  let values: Record<string, string | boolean | undefined>;
  try {
    const config = Object.fromEntries(Object.entries(options).map(([flag, o]) => [flag, { type: o.type }]));
    values = parseArgs({ args: [...args], options: config, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${command}: ${parseArgsReason(error)}`);
  }
  for (const [flag, option] of Object.entries(options)) {
    if (option.required && (values[flag] === undefined || values[flag] === '')) throw new UsageError(`required by parley ${command}`, `--${flag}`);
    if (option.type === 'boolean') values[flag] = values[flag] === true;
  }
  return values;
}

/** parseArgs's own messages quote the input and suggest `--`; say what is wrong in our words. */
function parseArgsReason(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : '';
  const flag = /'(-{1,2}[a-z][a-z0-9-]{0,40})/i.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return flag ? `unknown option ${flag}` : 'unknown option';
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return 'unexpected argument (options are written --name value)';
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && message.includes('does not take an argument')) return `option ${flag ?? ''} takes no value`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `option ${flag ?? ''} needs a value`;
  return 'malformed arguments';
}

/** The value of an id option (a UUID), or a UsageError naming the option. */
export function requireId(value: string, flag: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw new UsageError('must be an id (a UUID)', flag);
  return value;
}
