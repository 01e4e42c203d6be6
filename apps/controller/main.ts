import { ControllerConfig } from '@vcc/config';
import { databaseResource, migrateCommand } from '@vcc/database';
import { runApp, setupOpenApi } from '@vcc/platform';
import { ControllerModule } from './controller.module';

void runApp({
  name: 'controller',
  summary: 'the cluster source of truth: vCenter catalogue, collector membership and group assignment',
  config: ControllerConfig,
  resources: [databaseResource()],
  commands: { migrate: migrateCommand() },
  module: (config) => ControllerModule.forRoot(config),
  configure: (app, _config, version) =>
    setupOpenApi(app, {
      title: 'vcc controller',
      description:
        'vCenter catalogue, collector membership and group assignment, rebalancing, inventory and event ingest.',
      version,
    }),
});
