import { compileSchema, validateOrThrow } from '../../core/schema-validator.js';
import { exportDefinitionSchema, type ExportDefinition } from './export-definition.js';

/** A definition as stored: validated when saved, destination credentials split out (their keys listed). */
export interface StoredExportDefinition extends ExportDefinition {
  readonly secretKeys?: readonly string[];
}

const validateStored = compileSchema<StoredExportDefinition>({
  ...exportDefinitionSchema,
  properties: { ...exportDefinitionSchema.properties, secretKeys: { type: 'array', items: { type: 'string' } } },
});

/**
 * The definition of a stored export. It was fully validated against its source's catalogue when
 * saved; reading it checks the envelope again (cheap, once per run or request), so the type is
 * earned from the data rather than asserted.
 *
 * @example
 * const definition = storedDefinition(await getExport(storage, workspaceId, exportId));
 */
export function storedDefinition(row: { readonly definition: unknown }): StoredExportDefinition {
  return validateOrThrow(validateStored, row.definition, '/definition');
}
