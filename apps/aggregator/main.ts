import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import { AggregatorConfig } from '@vcc/config';
import { databaseResource, migrateCommand } from '@vcc/database';
import { runApp, setupOpenApi } from '@vcc/platform';
import { AggregatorModule } from './aggregator.module';
import { backfillCommand, retentionCommand } from './jobs/job.commands';

/** A login form holds a token and a page path. */
const LOGIN_FORM_LIMIT = 16_384;
const MIN_POOL_SIZE = 4;

void runApp({
  name: 'aggregator',
  summary: 'chargeback summaries, reports and partition maintenance in PostgreSQL',
  config: AggregatorConfig,
  resources: [databaseResource()],
  commands: { migrate: migrateCommand(), retention: retentionCommand, backfill: backfillCommand },
  check: (config) =>
    config.database.poolSize < MIN_POOL_SIZE
      ? [
          `database.poolSize: the aggregator needs at least ${MIN_POOL_SIZE} connections (one holds its owner lock, one runs a job, one records the job's start and serves the API, one ingests a node package); got ${config.database.poolSize}`,
        ]
      : [],
  module: (config) => AggregatorModule.forRoot(config),
  configure: async (app, config, version) => {
    // Signs the pages' session cookie; a random secret logs everyone out at restart.
    await app.register(fastifyCookie, {
      secret: config.pages.sessionSecret ?? randomBytes(32).toString('base64'),
    });
    // The pages' login form (POST /pages/login) is the one form body any app takes.
    app.useBodyParser(
      'application/x-www-form-urlencoded',
      { bodyLimit: LOGIN_FORM_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body.toString()))),
    );
    // Node packages: streamed by the upload route, limited by uploads.maxBytes rather than http.bodyLimitBytes.
    await app.register(multipart, { limits: { fileSize: config.uploads.maxBytes, files: 1 } });
    setupOpenApi(app, {
      title: 'vcc aggregator',
      description:
        'Chargeback jobs (daily and monthly aggregation, retention) and the chargeback query API: daily and monthly summaries, VM traces, vCenter totals; node packages (koku-metrics-operator uploads) and daily core counts per node.',
      version,
    });
  },
});
