import { Type } from 'class-transformer';
import { ValidateNested } from 'class-validator';
import { HttpConfig, LogConfig } from './sections';

/** What every vcc app has. Each app's class adds its own sections and its own default HTTP port. */
export abstract class BaseAppConfig {
  abstract http: HttpConfig;

  @Type(() => LogConfig)
  @ValidateNested()
  log = new LogConfig();
}
