import { DataSource } from 'typeorm';
import type pino from 'pino';
import type { DatabaseConfig } from '@vcc/config';
import type { AppCommand, Resource } from '@vcc/platform';
import { dataSourceOptions } from './data-source';
import { EmbeddedPostgresServer } from './embedded-postgres';
import { migrateUnderLock } from './migrate';

type WithDatabase = { database: DatabaseConfig };

/**
 * Makes `database.url` usable before the app starts: when it is empty, starts (or joins) the
 * embedded PostgreSQL and points the config at it; stops the server at shutdown if it started it.
 */
export function databaseResource<C extends WithDatabase>(): Resource<C> {
  let embedded: EmbeddedPostgresServer | undefined;
  return {
    async start(config: C, logger: pino.Logger) {
      if (config.database.url) return;
      logger.info({ context: 'Database' }, 'database.url is not set: using the embedded PostgreSQL');
      embedded = await EmbeddedPostgresServer.start(config.database.embedded, logger);
      config.database.url = embedded.url;
    },
    async stop() {
      await embedded?.stop();
    },
  };
}

/** `migrate`: apply pending migrations under the advisory lock and exit. */
export function migrateCommand<C extends WithDatabase>(): AppCommand<C> {
  return {
    summary: 'apply pending database migrations and exit',
    async run(config: C, logger: pino.Logger) {
      const dataSource = await new DataSource(dataSourceOptions(config.database)).initialize();
      try {
        await migrateUnderLock(dataSource, (message) => logger.info({ context: 'Migrations' }, message));
      } finally {
        await dataSource.destroy();
      }
      return 0;
    },
  };
}
