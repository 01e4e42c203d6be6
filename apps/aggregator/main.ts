import { AggregatorConfig } from '@vcc/config';
import { databaseResource, migrateCommand } from '@vcc/database';
import { runApp } from '@vcc/platform';
import { AggregatorModule } from './aggregator.module';

void runApp({
  name: 'aggregator',
  summary: 'chargeback summaries, reports and partition maintenance in PostgreSQL',
  config: AggregatorConfig,
  resources: [databaseResource()],
  commands: { migrate: migrateCommand() },
  module: (config) => AggregatorModule.forRoot(config),
});
