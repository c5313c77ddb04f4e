import type { CliCommand } from './cli-command.js';
import { drawVerifyCommand } from './draw-commands.js';
import { exportRenderCommand, exportRunCommand } from './export-commands.js';
import { migrateCommand, sweepCommand } from './maintenance-commands.js';
import { masterKeyRewrapCommand, masterKeyStatusCommand } from './master-key-commands.js';
import { keyCreateCommand, keyRevokeCommand, workspaceCreateCommand } from './workspace-commands.js';

/**
 * Every `parley` command, in the order `parley --help` lists them. To add one, write it with
 * `defineCommand` in its own file and add it here. Keep that file's top-level imports light (types,
 * cli-command.js, errors.js) and import what it runs inside `run()`: `parley --help` and every
 * usage error load this whole table, and should not wait for the exporter or the modules.
 */
export const COMMANDS: readonly CliCommand[] = [
  migrateCommand,
  workspaceCreateCommand,
  keyCreateCommand,
  keyRevokeCommand,
  masterKeyStatusCommand,
  masterKeyRewrapCommand,
  sweepCommand,
  exportRunCommand,
  exportRenderCommand,
  drawVerifyCommand,
];
