import { validateFlowDocument } from '../../core/flow-definition.js';
import { ModuleRegistry } from '../../core/module-registry.js';
import type { ParleyError } from '../../core/errors.js';
import { MODULES } from '../../modules/index.js';

const registry = new ModuleRegistry(MODULES);

/** What saving a flow of these steps says, with storage on: 'accepted', or the refusal's code, message and JSON path. */
export function flowRefusal(steps: unknown[]): 'accepted' | { code: string; message: string; path: string | undefined } {
  try {
    validateFlowDocument({ name: 'Checked', steps }, registry, { storageEnabled: true });
    return 'accepted';
  } catch (error) {
    const { code, message, path } = error as ParleyError;
    return { code, message, path };
  }
}
