import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createMonthlyPartition, monthlyPartition } from '@vcc/database';

export const PARTITIONED_TABLES = ['inventory_vm', 'inventory_host', 'vcenter_event'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/**
 * Creates the monthly partitions rows need, on demand: a collector may post events from the month
 * before the controller started (within the ingest window), an admin's backfill from any month. The controller only ever creates partitions; dropping them by
 * retention is the aggregator's job, so past months are checked every time (they may have been
 * dropped) and only the current and later ones are remembered.
 */
@Injectable()
export class PartitionRepository {
  private readonly known = new Set<string>();

  constructor(private readonly dataSource: DataSource) {}

  async ensureMonths(table: PartitionedTable, times: Iterable<Date>, now = new Date()): Promise<void> {
    const current = monthlyPartition(table, now).from;
    const months = new Map<string, ReturnType<typeof monthlyPartition>>();
    for (const time of times) {
      const partition = monthlyPartition(table, time);
      if (!this.known.has(partition.name)) months.set(partition.name, partition);
    }
    for (const partition of months.values()) {
      // In a transaction, so that the helper's lock against replicas creating it too covers the DDL.
      await this.dataSource.transaction((manager) => createMonthlyPartition(manager, table, partition));
      if (partition.from >= current) this.known.add(partition.name);
    }
  }
}
