import { Migrator, type Kysely } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';
import { ParleyError } from '../core/errors.js';

/** Applies every pending migration. Safe to call from several processes at once (kysely locks). */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    migrationTableName: 'parley_migrations',
    migrationLockTableName: 'parley_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw new ParleyError('internal', 'Database migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
