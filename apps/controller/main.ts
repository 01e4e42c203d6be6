import { ControllerConfig } from '@vcc/config';
import { databaseResource, migrateCommand } from '@vcc/database';
import { runApp } from '@vcc/platform';
import { setupOpenApi } from './common/openapi';
import { ControllerModule } from './controller.module';

void runApp({
  name: 'controller',
  summary: 'the cluster source of truth: vCenter catalogue, collector membership and group assignment',
  config: ControllerConfig,
  resources: [databaseResource()],
  commands: { migrate: migrateCommand() },
  module: (config) => ControllerModule.forRoot(config),
  configure: (app, _config, version) => setupOpenApi(app, version),
});
