import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '@vcc/config';
import { HealthService } from '@vcc/platform';
import { dataSourceOptions } from './data-source';
import { migrateUnderLock } from './migrate';

/** TypeORM on PostgreSQL, migrated at start when `database.migrate` is set, with a health check. */
@Module({})
export class DatabaseModule {
  static forRoot(database: DatabaseConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(database),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            if (database.migrate) {
              const logger = new Logger('Migrations');
              await migrateUnderLock(dataSource, (message) => logger.log(message));
            }
            return dataSource;
          },
        }),
      ],
      providers: [
        {
          provide: 'DATABASE_HEALTH',
          inject: [HealthService, DataSource],
          useFactory: (health: HealthService, dataSource: DataSource) =>
            health.register('database', async () => {
              await dataSource.query('SELECT 1');
            }),
        },
      ],
    };
  }
}
