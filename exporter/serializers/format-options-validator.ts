import { Ajv, type ErrorObject } from 'ajv';
import { ValidationError } from '../../core/errors.js';
import type { FormatOptions } from './format-options.js';
import { formatOptionsSchema } from './format-options-schema.js';

const validate = new Ajv({ strict: true, allErrors: false }).compile(formatOptionsSchema);

/** JSON Pointer escaping of one path segment (RFC 6901). */
function pointerSegment(name: string): string {
  return '/' + name.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The JSON path (under `base`) and a safe message for the first schema error. */
function describe(error: ErrorObject, base: string): { path: string; message: string } {
  const at = base + error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path: at + pointerSegment(String(params.additionalProperty)), message: 'Unknown format option' };
    case 'required':
      return { path: at + pointerSegment(String(params.missingProperty)), message: 'Missing format option' };
    case 'false schema':
      return { path: at, message: 'Option not allowed for this layout' };
    case 'type':
      return { path: at, message: `Format option must be of type ${String(params.type)}` };
    case 'pattern':
      return { path: at, message: 'Not an accepted XML element name (ASCII letters, digits, _ . -; not starting with xml)' };
    case 'enum':
    case 'const':
      return { path: at, message: 'Unsupported format option value' };
    default:
      return { path: at, message: 'Invalid format option' };
  }
}

/**
 * Checks untrusted format options (e.g. from a saved export definition) and returns them typed.
 * Throws ValidationError naming the JSON path of the first bad option, never its value.
 *
 * @example validateFormatOptions(body.format, '/format') // throws with path '/format/delimiter'
 */
export function validateFormatOptions(input: unknown, jsonPath: string): FormatOptions {
  if (validate(input)) return input as FormatOptions;
  const first = validate.errors?.[0];
  if (!first) throw new ValidationError('Invalid format options', jsonPath);
  const { path, message } = describe(first, jsonPath);
  throw new ValidationError(message, path);
}
