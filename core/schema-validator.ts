import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { ValidationError } from './errors.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ajvFormats.default as unknown as (instance: Ajv) => Ajv;

/** The one ajv instance: strict schemas, first error only, formats (email, uri, date-time, …). */
export const ajv = new Ajv({ strict: true, allErrors: false, allowUnionTypes: true, useDefaults: false, coerceTypes: false });
addFormats(ajv);

export type Validator<T = unknown> = ValidateFunction<T>;

/** Compiles a JSON Schema once; call at start-up, never per request. */
export function compileSchema<T = unknown>(schema: object): Validator<T> {
  return ajv.compile<T>(schema);
}

/** The JSON pointer of an ajv error, pointing at the offending property where ajv knows it. */
export function errorPath(error: ErrorObject, base = ''): string {
  let path = base + error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    path += `/${escapeSegment(params.additionalProperty)}`;
  } else if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    path += `/${escapeSegment(params.missingProperty)}`;
  }
  return path === '' ? '/' : path;
}

/** A message that describes the rule broken without echoing the value. */
export function errorMessage(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return 'Unknown field';
    case 'required':
      return 'Missing required field';
    case 'type':
      return `Must be ${String((error.params as { type: unknown }).type)}`;
    case 'enum':
      return 'Must be one of the allowed values';
    case 'const':
      return 'Has a value that is not allowed here';
    default:
      return `Must ${error.message ?? 'be valid'}`.replace(/^Must must/, 'Must');
  }
}

/** Validates `data`; on failure throws a ValidationError with the JSON path of the first error. */
export function validateOrThrow<T>(validator: Validator<T>, data: unknown, base = ''): T {
  if (validator(data)) return data as T;
  const first = validator.errors?.[0];
  if (!first) throw new ValidationError('Invalid value', base || '/');
  throw new ValidationError(errorMessage(first), errorPath(first, base));
}

function escapeSegment(segment: string): string {
  return segment.slice(0, 64).replace(/~/g, '~0').replace(/\//g, '~1');
}
