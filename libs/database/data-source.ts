import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '@vcc/config';
import { CollectorEntity } from './entities/collector.entity';
import { InventoryHostEntity } from './entities/inventory-host.entity';
import { InventorySnapshotEntity, InventorySnapshotShardEntity } from './entities/inventory-snapshot.entity';
import { InventoryVmEntity } from './entities/inventory-vm.entity';
import { VcenterEventEntity } from './entities/vcenter-event.entity';
import { VcenterEntity } from './entities/vcenter.entity';
import { Vcenter1764000000000 } from './migrations/1764000000000-vcenter';
import { Membership1764100000000 } from './migrations/1764100000000-membership';
import { InventorySnapshots1764100000001 } from './migrations/1764100000001-inventory-snapshots';
import { VcenterEvents1764100000002 } from './migrations/1764100000002-vcenter-events';
import { CollectorInstance1764390000000 } from './migrations/1764390000000-collector-instance';
import { VcenterNameCase1764400000000 } from './migrations/1764400000000-vcenter-name-case';
import { CollectorSecret1764430000000 } from './migrations/1764430000000-collector-secret';
import { RealtimeIntervalCheck1764510000000 } from './migrations/1764510000000-realtime-interval-check';
import { SnapshotVmLifecycle1764600000000 } from './migrations/1764600000000-snapshot-vm-lifecycle';
import { VmLifecycleEventIndex1764605000000 } from './migrations/1764605000000-vm-lifecycle-event-index';
import { Chargeback1764610000000 } from './migrations/1764610000000-chargeback';
import { AggregationJobs1764620000000 } from './migrations/1764620000000-aggregation-jobs';
import { NodeUploads1764700000000 } from './migrations/1764700000000-node-uploads';
import { ReportJobs1764900000000 } from './migrations/1764900000000-report-jobs';
import { ChargebackDailyDayIndex1764910000000 } from './migrations/1764910000000-chargeback-daily-day-index';
import { RealtimeWatermarks1764940000000 } from './migrations/1764940000000-realtime-watermarks';

export const entities = [
  VcenterEntity,
  CollectorEntity,
  InventorySnapshotEntity,
  InventorySnapshotShardEntity,
  InventoryVmEntity,
  InventoryHostEntity,
  VcenterEventEntity,
];
export const migrations = [
  Vcenter1764000000000,
  Membership1764100000000,
  InventorySnapshots1764100000001,
  VcenterEvents1764100000002,
  CollectorInstance1764390000000,
  VcenterNameCase1764400000000,
  CollectorSecret1764430000000,
  RealtimeIntervalCheck1764510000000,
  SnapshotVmLifecycle1764600000000,
  VmLifecycleEventIndex1764605000000,
  Chargeback1764610000000,
  AggregationJobs1764620000000,
  NodeUploads1764700000000,
  ReportJobs1764900000000,
  ChargebackDailyDayIndex1764910000000,
  RealtimeWatermarks1764940000000,
];

/**
 * The one set of TypeORM options, used by the Nest module, the `migrate` command and the TypeORM
 * CLI. The schema changes only through migrations; `synchronize` stays off.
 */
export function dataSourceOptions(database: DatabaseConfig): DataSourceOptions {
  if (!database.url) throw new Error('database.url is not set and no embedded PostgreSQL was started');
  return {
    type: 'postgres',
    url: database.url,
    entities,
    migrations,
    migrationsTableName: 'vcc_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: database.poolSize },
  };
}
