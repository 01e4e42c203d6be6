import type { ChargebackConfig } from '@vcc/config';
import type { SqlRunner } from '@vcc/database';

export interface AggregationResult {
  /** Summary rows written (one per VM), not counting totals and cluster rows. */
  rows: number;
}

/** Where a monthly summary comes from: the month's daily summaries, or its hourly snapshots. */
export type MonthlySource = 'daily' | 'hourly';

/**
 * Replaces the daily summary of `day` (YYYY-MM-DD, a calendar day in `config.timeZone`) for one
 * vCenter or all, with its cluster capacity rows and the hourly and daily totals caches: totals are
 * refreshed here rather than by a function of their own so that they can never disagree with the
 * summary they were taken from. Runs in the caller's transaction.
 */
export async function aggregateDay(
  db: SqlRunner,
  config: ChargebackConfig,
  day: string,
  vcenterId?: string,
): Promise<AggregationResult> {
  void db;
  void config;
  void day;
  void vcenterId;
  throw new Error('aggregateDay: not implemented yet');
}

/**
 * Replaces the monthly summary of `month` (YYYY-MM in `config.timeZone`) and its monthly totals, from
 * the daily summaries (default) or straight from the hourly snapshots. Runs in the caller's
 * transaction.
 */
export async function aggregateMonth(
  db: SqlRunner,
  config: ChargebackConfig,
  month: string,
  vcenterId?: string,
  source: MonthlySource = 'daily',
): Promise<AggregationResult> {
  void db;
  void config;
  void month;
  void vcenterId;
  void source;
  throw new Error('aggregateMonth: not implemented yet');
}
