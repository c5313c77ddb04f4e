import { redactedDestination } from './definition-secrets.js';
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

/**
 * A stored export's definition as the API shows it: credentials never come back, each one set is
 * shown as `"<key>Set": true` in the destination.
 */
export function shownDefinition(row: { readonly definition: unknown }): ExportDefinition {
  const { secretKeys = [], ...rest } = storedDefinition(row);
  return { ...rest, ...(rest.destination && { destination: redactedDestination(rest.destination, secretKeys) }) };
}
