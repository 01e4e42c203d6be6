import { Module, type DynamicModule } from '@nestjs/common';
import type { ControllerConfig } from '@vcc/config';
import { DatabaseModule } from '@vcc/database';

@Module({})
export class ControllerModule {
  static forRoot(config: ControllerConfig): DynamicModule {
    return { module: ControllerModule, imports: [DatabaseModule.forRoot(config.database)] };
  }
}
