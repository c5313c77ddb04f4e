import { statisticRows, type ModuleDefinition } from './module-contract.js';
import { ConfigError } from './errors.js';
import { compileSchema, type Validator } from './schema-validator.js';
import { isStoreTable, MAX_RETENTION_DAYS } from './store-tables.js';

export interface RegisteredModule {
  readonly definition: ModuleDefinition;
  readonly validateConfig: Validator;
}

/** The modules a runtime knows, keyed by their own id, each config schema compiled once. */
export class ModuleRegistry {
  readonly #modules = new Map<string, RegisteredModule>();

  constructor(definitions: readonly ModuleDefinition[]) {
    for (const definition of definitions) {
      if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(definition.id)) throw new ConfigError('Module id must be kebab-case', `/modules/${definition.id}`);
      if (this.#modules.has(definition.id)) throw new ConfigError('Module id is declared twice', `/modules/${definition.id}`);
      for (const [table, declaration] of Object.entries(definition.tables)) {
        if (!isStoreTable(table)) throw new ConfigError('Module declares an unknown table', `/modules/${definition.id}/tables/${table}`);
        const days = declaration?.retentionDays;
        if (!Number.isInteger(days) || days! < 1 || days! > MAX_RETENTION_DAYS) {
          throw new ConfigError('Module retention must be a whole number of days', `/modules/${definition.id}/tables/${table}/retentionDays`);
        }
      }
      for (const [statistic, rows] of Object.entries(definition.statistics ?? {})) {
        if (!rows || !(statisticRows(rows).table in definition.tables)) throw new ConfigError('A statistic must count rows of a table the module declares', `/modules/${definition.id}/statistics/${statistic}`);
      }
      this.#modules.set(definition.id, { definition, validateConfig: compileSchema(definition.configSchema) });
    }
  }

  get(id: string): RegisteredModule | undefined {
    return this.#modules.get(id);
  }

  list(): readonly ModuleDefinition[] {
    return [...this.#modules.values()].map((m) => m.definition);
  }
}
