import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '@vcc/config';
import { VcenterEntity } from './entities/vcenter.entity';
import { Vcenter1764000000000 } from './migrations/1764000000000-vcenter';

export const entities = [VcenterEntity];
export const migrations = [Vcenter1764000000000];

/**
 * The one set of TypeORM options, used by the Nest module, the `migrate` command and the TypeORM
 * CLI. The schema changes only through migrations; `synchronize` stays off.
 */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  if (!database.url) throw new Error('database.url is not set and no embedded PostgreSQL was started');
  return {
    type: 'postgres',
    url: database.url,
    entities,
    migrations,
    migrationsTableName: 'vcc_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: database.poolSize },
  };
}
