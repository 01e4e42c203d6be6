import { Module, type DynamicModule } from '@nestjs/common';
import type { AggregatorConfig } from '@vcc/config';
import { DatabaseModule } from '@vcc/database';

@Module({})
export class AggregatorModule {
  static forRoot(config: AggregatorConfig): DynamicModule {
    return { module: AggregatorModule, imports: [DatabaseModule.forRoot(config.database)] };
  }
}
