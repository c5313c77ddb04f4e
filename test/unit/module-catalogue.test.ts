import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { MODULES } from '../../modules/index.js';

const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: true, allErrors: true }));

type Schema = Record<string, unknown>;

/** Every property schema below `schema` (through nested objects and array items), by JSON path. */
function properties(schema: Schema, path = ''): Array<[string, Schema]> {
  const out: Array<[string, Schema]> = [];
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    out.push([`${path}/${name}`, property]);
    out.push(...properties(property, `${path}/${name}`));
    if (property.items) out.push(...properties(property.items as Schema, `${path}/${name}/items`));
  }
  return out;
}

describe('module catalogue', () => {
  it.each(MODULES.map((module) => [module.id, module] as const))('%s says what it does and what it stores', (_id, module) => {
    expect(module.title.length).toBeGreaterThan(0);
    expect(module.description).toMatch(/^[A-Z].{10,200}\.$/);
    for (const declaration of Object.values(module.tables)) expect(declaration?.holds).toMatch(/^[A-Z]/);
  });

  it.each(MODULES.map((module) => [module.id, module] as const))('%s describes every config property, with defaults its schema accepts', (_id, module) => {
    const described = properties(module.configSchema);
    expect(described.length).toBeGreaterThan(0);
    for (const [path, property] of described) {
      expect(typeof property.title, `${module.id}${path} title`).toBe('string');
      expect(typeof property.description, `${module.id}${path} description`).toBe('string');
      if ('default' in property) {
        const { default: value, title: _t, description: _d, ...rules } = property;
        expect(ajv.validate(rules, value), `${module.id}${path} default ${JSON.stringify(value)}`).toBe(true);
      }
    }
  });
});
