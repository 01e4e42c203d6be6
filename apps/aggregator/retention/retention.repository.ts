import { Injectable } from '@nestjs/common';
import { dropExpiredMonthlyPartitions, type SqlRunner } from '@vcc/database';
import { monthStartUtc, type RetentionCuts } from './retention';

export interface RetentionResult {
  /** Partitions dropped, by name. */
  dropped: string[];
  /** Rows deleted from unpartitioned tables (snapshot registry, totals, cluster capacity). */
  deleted: number;
}

/**
 * Removes expired history: whole monthly partitions of the snapshot, event and daily summary
 * tables once all of a month is older than its cut, and the rows of the small unpartitioned tables
 * that went with them. Monthly summaries and their totals are kept for ever.
 */
@Injectable()
export class RetentionRepository {
  async apply(db: SqlRunner, cuts: RetentionCuts, timeZone: string): Promise<RetentionResult> {
    const dailyFrom = new Date(`${cuts.dailyFrom}T00:00:00Z`);
    const dropped = [
      ...(await dropExpiredMonthlyPartitions(db, 'inventory_vm', cuts.hourly)),
      ...(await dropExpiredMonthlyPartitions(db, 'inventory_host', cuts.hourly)),
      ...(await dropExpiredMonthlyPartitions(db, 'vcenter_event', cuts.events)),
      ...(await dropExpiredMonthlyPartitions(db, 'chargeback_daily', dailyFrom)),
    ];
    const snapshotsFrom = monthStartUtc(cuts.hourly);
    const deletions: [string, unknown[]][] = [
      // The shards go with their snapshot (ON DELETE CASCADE).
      ['DELETE FROM inventory_snapshot WHERE snapshot_time < $1', [snapshotsFrom]],
      [`DELETE FROM chargeback_totals WHERE kind = 'hourly' AND period_start < $1`, [snapshotsFrom]],
      [
        `DELETE FROM chargeback_totals WHERE kind = 'daily' AND period_start < ($1::date::timestamp AT TIME ZONE $2)`,
        [cuts.dailyFrom, timeZone],
      ],
      ['DELETE FROM chargeback_cluster_daily WHERE day < $1::date', [cuts.dailyFrom]],
    ];
    let deleted = 0;
    for (const [sql, parameters] of deletions) {
      const result = (await db.query(sql, parameters)) as [unknown[], number];
      deleted += result[1];
    }
    return { dropped, deleted };
  }
}
