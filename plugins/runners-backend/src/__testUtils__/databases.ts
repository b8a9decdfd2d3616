import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

/**
 * The databases store tests run on: `RUNNER_FLEET_TEST_DATABASES` (set by `./fleet test`, which
 * starts PostgreSQL), else SQLite plus any PostgreSQL whose connection string is in the
 * environment.
 */
export function testDatabaseIds(): TestDatabaseId[] {
  const fromEnv = process.env.RUNNER_FLEET_TEST_DATABASES;
  if (fromEnv) {
    // scripts/postgres.sh names its server like the connection-string variable (POSTGRES15);
    // TestDatabases calls it POSTGRES_15 and silently drops an id it does not know, which
    // would leave the PostgreSQL half of every store test unrun.
    return fromEnv.split(',').map(raw => {
      const id = raw.trim().replace(/^POSTGRES(\d+)$/, 'POSTGRES_$1');
      if (!/^(SQLITE_3|MYSQL_\d+|POSTGRES_\d+)$/.test(id)) {
        throw new Error(
          `RUNNER_FLEET_TEST_DATABASES: unknown database id '${raw}'; use SQLITE_3 or POSTGRES_<version>, e.g. SQLITE_3,POSTGRES_15`,
        );
      }
      return id as TestDatabaseId;
    });
  }
  const ids: TestDatabaseId[] = ['SQLITE_3'];
  for (const v of [18, 17, 16, 15, 14, 13]) {
    if (process.env[`BACKSTAGE_TEST_DATABASE_POSTGRES${v}_CONNECTION_STRING`]) {
      ids.push(`POSTGRES_${v}` as TestDatabaseId);
      break;
    }
  }
  return ids;
}

/** Test databases for the ids above; create once per test file. */
export function createTestDatabases(): TestDatabases {
  return TestDatabases.create({ ids: testDatabaseIds() });
}
