import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { BaseAppConfig } from './base-app.config';
import { ChargebackConfig } from './chargeback.config';
import { DatabaseConfig, HttpConfig } from './sections';

class AggregatorHttpConfig extends HttpConfig {
  override port = 8082;
}

export class AggregatorConfig extends BaseAppConfig {
  @Type(() => AggregatorHttpConfig)
  @ValidateNested()
  http = new AggregatorHttpConfig();

  @Type(() => DatabaseConfig)
  @ValidateNested()
  database = new DatabaseConfig();

  @Type(() => ChargebackConfig)
  @ValidateNested()
  chargeback = new ChargebackConfig();
}
