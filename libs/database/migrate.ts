import type { DataSource } from 'typeorm';

// pg_advisory_lock key for schema migrations: an arbitrary constant that all vcc replicas share.
const MIGRATION_LOCK = 7_366_453_001;

/**
 * Applies pending migrations while holding a session advisory lock, so that replicas starting
 * together migrate one at a time and the later ones find nothing left to do.
 */
export async function migrateUnderLock(
  dataSource: DataSource,
  log: (message: string) => void,
): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const names = applied.map((m) => m.name);
    log(names.length ? `applied ${names.length} migration(s): ${names.join(', ')}` : 'schema is up to date');
    return names;
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
