import type { CatalogueField } from './catalogue-field.js';
import { EXTERNAL_KEY, externalField } from './flow-field-catalogue.js';
import { VARIABLE_KEY, hostVariableField } from './host-variable-fields.js';
import { DATA_KEY, tableValueField } from './table-field-catalogue.js';
import type { ExportFieldSpec } from '../definition/export-definition.js';

/**
 * The catalogue field a spec names (external, host-variable and data/personal keys are
 * open-ended). Kept apart from definition validation, which loads every destination's client:
 * rendering needs only this.
 */
export function resolveField(catalogue: readonly CatalogueField[], spec: ExportFieldSpec): CatalogueField | undefined {
  if (spec.field === 'custom') return undefined;
  const open = EXTERNAL_KEY.test(spec.field) ? externalField(spec.field) : VARIABLE_KEY.test(spec.field) ? hostVariableField(spec.field) : undefined;
  return catalogue.find((f) => f.key === spec.field) ?? open ?? (DATA_KEY.test(spec.field) ? tableValueField(spec.field) : undefined);
}
