import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@runner-fleet/plugin-runners-backend',
  'migrations',
);

/**
 * The plugin database's client with the plugin's migrations applied, unless the database
 * service or the caller skips them. Every store opens its client here, so the migrations run
 * from one place whichever store starts first.
 */
export async function migratedClient(options: {
  database: DatabaseService;
  skipMigrations?: boolean;
}): Promise<Knex> {
  const db = await options.database.getClient();
  if (!options.database.migrations?.skip && !options.skipMigrations) {
    await db.migrate.latest({ directory: migrationsDir });
  }
  return db;
}
