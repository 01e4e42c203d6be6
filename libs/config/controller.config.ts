import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { BaseAppConfig } from './base-app.config';
import { DatabaseConfig, HttpConfig } from './sections';

class ControllerHttpConfig extends HttpConfig {
  override port = 8080;
}

export class ControllerConfig extends BaseAppConfig {
  @Type(() => ControllerHttpConfig)
  @ValidateNested()
  http = new ControllerHttpConfig();

  @Type(() => DatabaseConfig)
  @ValidateNested()
  database = new DatabaseConfig();
}
