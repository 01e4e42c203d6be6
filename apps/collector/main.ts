import { CollectorConfig } from '@vcc/config';
import { runApp } from '@vcc/platform';
import { CollectorModule } from './collector.module';

void runApp({
  name: 'collector',
  summary: 'collects vCenter performance data for its share of the inventory and writes it to InfluxDB',
  config: CollectorConfig,
  module: () => CollectorModule,
});
