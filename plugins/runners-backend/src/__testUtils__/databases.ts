import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

/**
 * The databases store tests run on: `RUNNER_FLEET_TEST_DATABASES` (set by `./fleet test`, which
 * starts PostgreSQL), else SQLite plus any PostgreSQL whose connection string is in the
 * environment.
 */
export function testDatabaseIds(): TestDatabaseId[] {
  const fromEnv = process.env.RUNNER_FLEET_TEST_DATABASES;
  if (fromEnv) {
    return fromEnv.split(',').map(id => id.trim()) as TestDatabaseId[];
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
