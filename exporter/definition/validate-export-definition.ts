import { resolveField } from '../catalogue/resolve-field.js';
import type { CatalogueLookup } from '../catalogue/source-catalogue.js';
import { validateConditions } from '../conditions/index.js';
import { validateFieldParameters } from '../field-parameters/index.js';
import { validateFileNamePattern } from '../file-name/index.js';
import { validateFilterChoice } from '../filters/index.js';
import { validateFormatOptions } from '../serializers/index.js';
import type { FieldType } from '../../core/field-type.js';
import { exportDefinitionSchema, type ExportDefinition } from './export-definition.js';
import { ValidationError } from '../../core/errors.js';
import { compileSchema, validateOrThrow } from '../../core/schema-validator.js';
import { isStoreTable } from '../../core/store-tables.js';
import { validateDestination } from '../destinations/create-destination.js';
import { validateGpgPublicKey } from '../encryption/gpg-public-key.js';
import { validateTrigger } from '../triggers/trigger.js';

const validateEnvelope = compileSchema<ExportDefinition>(exportDefinitionSchema);

/**
 * Validates a definition on save: envelope schema, source, every field known to the source's
 * catalogue, filters that fit the field's type, field parameters, conditions only on selected
 * fields, format options and file-name pattern. Throws ValidationError with the JSON path.
 */
export async function validateExportDefinition(input: unknown, catalogueFor: CatalogueLookup, options: { timeZone: string; now?: Date } = { timeZone: 'UTC' }): Promise<ExportDefinition> {
  const definition = validateOrThrow(validateEnvelope, input, '');
  const { source } = definition;
  const hasTable = 'table' in source && source.table !== undefined;
  if (!hasTable && !('flow' in source && source.flow)) throw new ValidationError('Name a flow or a table', '/source');
  if (hasTable && !isStoreTable(source.table)) throw new ValidationError('Unknown table', '/source/table');
  if (hasTable && definition.scope !== undefined) throw new ValidationError('Scope applies to flow exports only', '/scope');
  const catalogue = await catalogueFor(source, '/source');

  const types: Record<string, FieldType> = {};
  definition.fields.forEach((spec, i) => {
    const path = `/fields/${i}`;
    if (spec.field === 'custom') {
      if (spec.value === undefined) throw new ValidationError('A custom column needs a value', `${path}/value`);
      if (spec.filter !== undefined) throw new ValidationError('A custom column takes no filter', `${path}/filter`);
    } else {
      if (spec.value !== undefined) throw new ValidationError('Only custom columns take a value', `${path}/value`);
      const field = resolveField(catalogue, spec);
      if (!field) throw new ValidationError('This source has no such field', `${path}/field`);
      if (spec.filter !== undefined) validateFilterChoice(spec.filter, field.type, `${path}/filter`);
      types[spec.field] = field.type;
    }
    const { field: _field, value: _value, filter: _filter, ...params } = spec;
    validateFieldParameters({ ...params, column: spec.column ?? spec.field }, path);
  });
  validateConditions(definition.conditions ?? [], types, '/conditions');
  validateFormatOptions(definition.format, '/format');
  validateFileNamePattern(definition.fileNamePattern, '/fileNamePattern');
  if (definition.destination !== undefined) validateDestination(definition.destination, '/destination');
  if (definition.encryption !== undefined) await validateGpgPublicKey(definition.encryption.publicKey, '/encryption/publicKey', { now: options.now });
  if (definition.trigger !== undefined) {
    const trigger = validateTrigger(definition.trigger, options.timeZone, '/trigger');
    if (trigger.type === 'closure' && !('flow' in definition.source && definition.source.flow)) {
      throw new ValidationError('An export at closure needs a flow source', '/trigger/type');
    }
    if (trigger.type === 'daily' && !('flow' in definition.source && definition.source.flow && !('table' in definition.source && definition.source.table))) {
      throw new ValidationError('Daily modes select participants of a flow: use a flow source', '/trigger/mode');
    }
    if (definition.destination === undefined) throw new ValidationError('A triggered export needs a destination', '/destination');
  }
  return definition;
}
