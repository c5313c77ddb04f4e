import type { CatalogueField } from './catalogue-field.js';
import { EXTERNAL_KEY, externalField } from './flow-field-catalogue.js';
import { DATA_KEY, tableValueField } from './table-field-catalogue.js';
import type { ExportFieldSpec } from '../definition/export-definition.js';

/**
 * The catalogue field a spec names (external and data/personal keys are open-ended). Kept apart
 * from definition validation, which loads every destination's client: rendering needs only this.
 */
export function resolveField(catalogue: readonly CatalogueField[], spec: ExportFieldSpec): CatalogueField | undefined {
  if (spec.field === 'custom') return undefined;
  return catalogue.find((f) => f.key === spec.field) ?? (EXTERNAL_KEY.test(spec.field) ? externalField(spec.field) : DATA_KEY.test(spec.field) ? tableValueField(spec.field) : undefined);
}
