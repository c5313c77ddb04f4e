import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';
import { ParleyError } from '../core/errors.js';

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    migrationTableName: 'parley_migrations',
    migrationLockTableName: 'parley_migrations_lock',
  });
}

/** Applies every pending migration. Safe to call from several processes at once (kysely locks). */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return applied(await migrator(db).migrateToLatest());
}

/** Applies the pending migrations up to and including `name` (an upgrade test stops at an older schema). */
export async function migrateTo(db: Kysely<any>, name: string): Promise<string[]> {
  return applied(await migrator(db).migrateTo(name));
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error) throw new ParleyError('internal', 'Database migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
