import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { BaseAppConfig } from './base-app.config';
import { ControllerClientConfig, HttpConfig } from './sections';

class CollectorHttpConfig extends HttpConfig {
  override port = 8081;
}

export class CollectorConfig extends BaseAppConfig {
  @Type(() => CollectorHttpConfig)
  @ValidateNested()
  http = new CollectorHttpConfig();

  @Type(() => ControllerClientConfig)
  @ValidateNested()
  controller = new ControllerClientConfig();
}
