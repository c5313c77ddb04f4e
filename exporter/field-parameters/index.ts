export { codePointLength, truncateCodePoints } from './code-points.js';
export {
  applyFieldParameters,
  compileFieldParameters,
  type CompiledFieldParameters,
  type FieldParameters,
} from './field-parameters.js';
export { COLUMN_NAME_LIMIT, FIELD_SIZE_LIMIT, validateFieldParameters } from './field-parameters-validation.js';
