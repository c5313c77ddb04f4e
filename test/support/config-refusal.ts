import { ConfigError } from '../../core/errors.js';
import type { ModuleDefinition } from '../../core/module-contract.js';

/**
 * What a module's `checkConfig` says of a config at `path`: undefined when it takes it, else the
 * refusal's message and JSON path (anything but a ConfigError comes back as it was thrown).
 */
export function configRefusal<C>(module: ModuleDefinition<C>, config: C, path: string): unknown {
  try {
    module.checkConfig!(config, path);
    return undefined;
  } catch (error) {
    return error instanceof ConfigError ? [error.message, error.path] : error;
  }
}
