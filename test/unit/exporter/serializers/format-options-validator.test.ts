import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../core/errors.js';
import { formatOptionsSchema } from '../../../../exporter/serializers/format-options-schema.js';
import { validateFormatOptions } from '../../../../exporter/serializers/format-options-validator.js';
import { createSerializer } from '../../../../exporter/serializers/serializer-factory.js';

const VALID: unknown[] = [
  { type: 'csv' },
  { type: 'csv', delimiter: '\t', quote: "'", header: false, lineEnding: '\n', bom: true, formulaGuard: false },
  { type: 'xml', rootElement: 'leads', rowElement: 'lead' },
  { type: 'json' },
  { type: 'json', layout: 'ndjson' },
  { type: 'txt', layout: 'fixed', header: true, lineEnding: '\r\n' },
  { type: 'txt', layout: 'delimited', delimiter: ';' },
];

/** Each invalid input with the path of its first bad option, under `/format`. */
const INVALID: [unknown, string][] = [
  [null, '/format'],
  ['csv', '/format'],
  [[], '/format'],
  [{}, '/format/type'],
  [{ type: 'pdf' }, '/format/type'],
  [{ type: 'csv', delimiter: ':' }, '/format/delimiter'],
  [{ type: 'csv', delimiter: ',,' }, '/format/delimiter'],
  [{ type: 'csv', quote: '`' }, '/format/quote'],
  [{ type: 'csv', header: 'yes' }, '/format/header'],
  [{ type: 'csv', lineEnding: '\r' }, '/format/lineEnding'],
  [{ type: 'csv', formulaGuard: 0 }, '/format/formulaGuard'],
  [{ type: 'csv', rootElement: 'rows' }, '/format/rootElement'],
  [{ type: 'csv', 'a/b~c': 1 }, '/format/a~1b~0c'],
  [{ type: 'xml', rootElement: 'xmlRows' }, '/format/rootElement'],
  [{ type: 'xml', rowElement: '1row' }, '/format/rowElement'],
  [{ type: 'xml', rowElement: 'a b' }, '/format/rowElement'],
  [{ type: 'json', layout: 'lines' }, '/format/layout'],
  [{ type: 'json', delimiter: ',' }, '/format/delimiter'],
  [{ type: 'txt' }, '/format/layout'],
  [{ type: 'txt', layout: 'fixed', delimiter: ';' }, '/format/delimiter'],
  [{ type: 'txt', layout: 'delimited', bom: true }, '/format/bom'],
];

describe('validateFormatOptions', () => {
  it.each(VALID)('accepts %j and returns it', (input) => {
    expect(validateFormatOptions(input, '/format')).toBe(input);
  });

  it.each(INVALID)('refuses %j with a ValidationError at %s', (input, path) => {
    let error: unknown;
    try {
      validateFormatOptions(input, '/format');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'validation_failed', path });
  });

  it('never echoes the offending value in the message', () => {
    const secret = 'jane.doe@example.org';
    let message = '';
    try {
      validateFormatOptions({ type: 'xml', rootElement: secret }, '/format');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).not.toContain(secret);
  });

  it('is also what createSerializer checks, at the path it is given', () => {
    expect(() => createSerializer({ type: 'csv', delimiter: ':' } as never, [{ name: 'a' }], { formatPath: '/exports/0/format' })).toThrow(
      expect.objectContaining({ path: '/exports/0/format/delimiter' }),
    );
    expect(() => createSerializer({ type: 'csv' }, [])).toThrow(expect.objectContaining({ path: '/columns' }));
  });
});

describe('formatOptionsSchema', () => {
  const validate = new Ajv({ strict: true, allErrors: true }).compile(formatOptionsSchema);

  it('compiles under ajv strict mode', () => {
    expect(typeof validate).toBe('function');
  });

  it('agrees with validateFormatOptions on every valid and invalid example', () => {
    for (const input of VALID) expect(validate(input), JSON.stringify(input)).toBe(true);
    for (const [input] of INVALID) expect(validate(input), JSON.stringify(input)).toBe(false);
  });
});
