import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { ControllerClientConfig, DatabaseConfig, HttpConfig, LogConfig } from './sections';

// Each app listens on its own default port so the whole cluster runs on one host without edits.
class ControllerHttpConfig extends HttpConfig {
  override port = 8080;
}
class CollectorHttpConfig extends HttpConfig {
  override port = 8081;
}
class AggregatorHttpConfig extends HttpConfig {
  override port = 8082;
}
class SimulatorHttpConfig extends HttpConfig {
  override port = 8989;
}

/** What every vcc app has. */
export abstract class BaseAppConfig {
  abstract http: HttpConfig;

  @Type(() => LogConfig)
  @ValidateNested()
  log = new LogConfig();
}

export class ControllerConfig extends BaseAppConfig {
  @Type(() => ControllerHttpConfig)
  @ValidateNested()
  http = new ControllerHttpConfig();

  @Type(() => DatabaseConfig)
  @ValidateNested()
  database = new DatabaseConfig();
}

export class CollectorConfig extends BaseAppConfig {
  @Type(() => CollectorHttpConfig)
  @ValidateNested()
  http = new CollectorHttpConfig();

  @Type(() => ControllerClientConfig)
  @ValidateNested()
  controller = new ControllerClientConfig();
}

export class AggregatorConfig extends BaseAppConfig {
  @Type(() => AggregatorHttpConfig)
  @ValidateNested()
  http = new AggregatorHttpConfig();

  @Type(() => DatabaseConfig)
  @ValidateNested()
  database = new DatabaseConfig();
}

export class SimulatorConfig extends BaseAppConfig {
  @Type(() => SimulatorHttpConfig)
  @ValidateNested()
  http = new SimulatorHttpConfig();
}
