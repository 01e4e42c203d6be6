import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import { AggregatorConfig } from '@vcc/config';
import { databaseResource, migrateCommand } from '@vcc/database';
import { runApp, setupOpenApi } from '@vcc/platform';
import { AggregatorModule } from './aggregator.module';
import { backfillCommand, retentionCommand } from './jobs/job.commands';

const MIN_POOL_SIZE = 3;

void runApp({
  name: 'aggregator',
  summary: 'chargeback summaries, reports and partition maintenance in PostgreSQL',
  config: AggregatorConfig,
  resources: [databaseResource()],
  commands: { migrate: migrateCommand(), retention: retentionCommand, backfill: backfillCommand },
  check: (config) =>
    config.database.poolSize < MIN_POOL_SIZE
      ? [
          `database.poolSize: the aggregator needs at least ${MIN_POOL_SIZE} connections (one holds its owner lock, one runs a job, one records the job's start and serves the API); got ${config.database.poolSize}`,
        ]
      : [],
  module: (config) => AggregatorModule.forRoot(config),
  configure: async (app, config, version) => {
    // Signs the pages' session cookie; a random secret logs everyone out at restart.
    await app.register(fastifyCookie, {
      secret: config.pages.sessionSecret ?? randomBytes(32).toString('base64'),
    });
    setupOpenApi(app, {
      title: 'vcc aggregator',
      description:
        'Chargeback jobs (daily and monthly aggregation, retention) and the chargeback query API: daily and monthly summaries, VM traces, vCenter totals.',
      version,
    });
  },
});
