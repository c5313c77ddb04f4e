import type { JsonSchema } from '../api-route.js';
import { tableNameSchema } from './common-schemas.js';
import type { ModuleDefinition } from '../../../../core/module-contract.js';

const retentionDaysSchema: JsonSchema = { type: 'integer', minimum: 1 };

/** One entry of the module catalogue: what a console needs to build a step's form and say what it stores. */
export const moduleCatalogueEntrySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'description', 'requiresStorage', 'storesData', 'configSchema', 'tables'],
  properties: {
    id: { type: 'string', description: 'The value of a flow step\'s `module`' },
    title: { type: 'string' },
    description: { type: 'string' },
    requiresStorage: { type: 'boolean', description: 'Refused in a flow saved while storage is off (for the workspace or for this module)' },
    storesData: { type: 'boolean', description: "Whether this workspace stores this module's rows: storage is on and the module is not in `storageOffModules`" },
    configSchema: { type: 'object', description: 'JSON Schema of the step config: every property has a title, a description and, where there is one, its default' },
    tables: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['table', 'holds', 'defaultRetentionDays', 'retentionDays'],
        properties: {
          table: tableNameSchema,
          holds: { type: 'string', description: 'What the module keeps there, in plain words' },
          defaultRetentionDays: { ...retentionDaysSchema, description: "The module's own default" },
          retentionDays: { ...retentionDaysSchema, description: "What applies in this workspace (the module default unless the workspace overrides it)" },
        },
      },
    },
  },
};

const STEP_ID: JsonSchema = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' };

/** Component name of one module's step schema in the OpenAPI document, e.g. `EmailCaptureStep`. */
export function stepComponentName(moduleId: string): string {
  return `${moduleId.split('-').map((part) => part[0]!.toUpperCase() + part.slice(1)).join('')}Step`;
}

/** A flow step that uses `module`: its `config` is that module's schema. */
export function moduleStepSchema(module: ModuleDefinition): JsonSchema {
  return {
    title: module.title,
    description: module.description,
    type: 'object',
    additionalProperties: false,
    required: ['id', 'module', 'config'],
    properties: {
      id: STEP_ID,
      module: { type: 'string', const: module.id },
      config: module.configSchema,
      next: { ...STEP_ID, description: 'The step that follows; without it the flow ends after this one' },
    },
  };
}

/**
 * The OpenAPI components for flow steps: one schema per module and `FlowStep`, a `oneOf` over them
 * discriminated by `module`. (Requests are validated by the module registry, which reports the
 * JSON path of the first error; the document describes the same rules for clients.)
 */
export function flowStepComponents(modules: readonly ModuleDefinition[]): Record<string, JsonSchema> {
  const components: Record<string, JsonSchema> = {};
  const mapping: Record<string, string> = {};
  for (const module of modules) {
    const name = stepComponentName(module.id);
    components[name] = moduleStepSchema(module);
    mapping[module.id] = `#/components/schemas/${name}`;
  }
  components.FlowStep = {
    description: 'One step of a flow; `module` says which module runs it and what its `config` holds',
    oneOf: Object.values(mapping).map(($ref) => ({ $ref })),
    discriminator: { propertyName: 'module', mapping },
  };
  return components;
}
