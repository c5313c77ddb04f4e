import type { ModuleRegistry } from './module-registry.js';
import { ConfigError, ParleyError } from './errors.js';
import { compileSchema, validateOrThrow } from './schema-validator.js';
import { STEP_ID_PATTERN } from './config-schema-parts.js';
import { refuseRestlessLoops } from './flow-loops.js';
import { refuseFieldClashes } from './flow-field-clashes.js';

export interface FlowStep {
  readonly id: string;
  readonly module: string;
  readonly config: Record<string, unknown>;
  readonly next?: string;
}

/** The saved shape of a flow's steps. */
export interface FlowDefinition {
  readonly start: string;
  readonly steps: readonly FlowStep[];
}

/** The document owners PUT: the flow's name, status, optional open window and its steps. */
export interface FlowDocument {
  readonly name: string;
  readonly status?: 'open' | 'closed';
  readonly opensAt?: string | null;
  readonly closesAt?: string | null;
  readonly start?: string;
  readonly steps: readonly FlowStep[];
}


export const flowDocumentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'steps'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    status: { type: 'string', enum: ['open', 'closed'] },
    opensAt: { type: ['string', 'null'], format: 'date-time' },
    closesAt: { type: ['string', 'null'], format: 'date-time' },
    start: { type: 'string', pattern: STEP_ID_PATTERN },
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'module', 'config'],
        properties: {
          id: { type: 'string', pattern: STEP_ID_PATTERN },
          module: { type: 'string', minLength: 1, maxLength: 64 },
          config: { type: 'object' },
          next: { type: 'string', pattern: STEP_ID_PATTERN },
        },
      },
    },
  },
} as const;

const validateDocument = compileSchema<FlowDocument>(flowDocumentSchema);

/**
 * Validates a flow document against the module registry: every module known, every config
 * valid against its module's schema, step ids unique, every `next` and branch pointing at a
 * step, no loop of steps that never wait for the participant, no two steps exporting one field
 * that means either's own rows, and no module that needs storage when the workspace has storage off, for every module or
 * for that one (`storageOffModules`). Throws a ConfigError/ValidationError with the JSON path of
 * the first problem.
 */
export function validateFlowDocument(
  input: unknown,
  registry: ModuleRegistry,
  options: { readonly storageEnabled: boolean; readonly storageOffModules?: readonly string[] },
): FlowDocument & { start: string } {
  const doc = validateOrThrow(validateDocument, input, '');
  const ids = new Map<string, number>();
  doc.steps.forEach((step, i) => {
    if (ids.has(step.id)) throw new ConfigError('Step id is used twice', `/steps/${i}/id`);
    ids.set(step.id, i);
  });
  doc.steps.forEach((step, i) => {
    const registered = registry.get(step.module);
    if (!registered) throw new ParleyError('module_unknown', 'Unknown module', { path: `/steps/${i}/module` });
    const { definition } = registered;
    validateOrThrow(registered.validateConfig, step.config, `/steps/${i}/config`);
    definition.checkConfig?.(step.config, `/steps/${i}/config`);
    if (definition.requiresStorage && !options.storageEnabled) {
      throw new ParleyError('storage_disabled', `Step ${i + 1} (${definition.title}) needs storage, which is switched off for the workspace`, { path: `/steps/${i}/module` });
    }
    if (definition.requiresStorage && options.storageOffModules?.includes(definition.id)) {
      throw new ParleyError('storage_disabled', `Step ${i + 1} (${definition.title}) needs storage: switch "Store this module's data" on for ${definition.title}`, { path: `/steps/${i}/module` });
    }
    if (step.next !== undefined && !ids.has(step.next)) throw new ConfigError('Next step does not exist', `/steps/${i}/next`);
    for (const branch of definition.branches?.(step.config) ?? []) {
      if (!ids.has(branch.step)) throw new ConfigError('Branch target does not exist', `/steps/${i}/config${branch.path}`);
    }
  });
  refuseRestlessLoops(doc.steps, registry);
  refuseFieldClashes(doc.steps, registry);
  const start = doc.start ?? doc.steps[0]!.id;
  if (!ids.has(start)) throw new ConfigError('Start step does not exist', '/start');
  if (doc.opensAt && doc.closesAt && new Date(doc.opensAt) >= new Date(doc.closesAt)) {
    throw new ConfigError('closesAt must be after opensAt', '/closesAt');
  }
  return { ...doc, start };
}

/** The step with id `id`, or an internal error when a saved flow lost it. */
export function stepById(definition: FlowDefinition, id: string): FlowStep {
  const step = definition.steps.find((s) => s.id === id);
  if (!step) throw new ParleyError('internal', 'Flow step missing');
  return step;
}
