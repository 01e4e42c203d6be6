import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { BaseAppConfig } from './base-app.config';
import { HttpConfig } from './sections';

class SimulatorHttpConfig extends HttpConfig {
  override port = 8989;
}

export class SimulatorConfig extends BaseAppConfig {
  @Type(() => SimulatorHttpConfig)
  @ValidateNested()
  http = new SimulatorHttpConfig();
}
