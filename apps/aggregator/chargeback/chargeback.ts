import type { ChargebackConfig } from '@vcc/config';
import { createMonthlyPartition, monthlyPartition, type SqlRunner } from '@vcc/database';
import { chargebackParameters } from './chargeback-parameters';
import {
  CLUSTER_DAILY_SQL,
  HOURLY_TOTALS_SQL,
  MONTHLY_FROM_DAILY_SQL,
  periodTotalsSql,
} from './period-summaries.sql';
import { vmSummarySql } from './vm-summary.sql';

export interface AggregationResult {
  /** Summary rows written (one per VM), not counting totals and cluster rows. */
  rows: number;
}

/** Where a monthly summary comes from: the month's daily summaries, or its hourly snapshots. */
export type MonthlySource = 'daily' | 'hourly';

/** A day, month or vCenter id the engine cannot aggregate; nothing has been written. */
export class ChargebackInputError extends Error {
  override name = 'ChargebackInputError';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A calendar date between years 2000 and 9999 that exists (no 2026-02-30). */
function checkDate(field: string, value: string, pattern: RegExp, iso: string): void {
  const parsed = new Date(`${iso}T00:00:00Z`);
  if (!pattern.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso)
    throw new ChargebackInputError(
      `${field} must be a date ${pattern.source} between 2000 and 9999, got "${value}"`,
    );
}

function checkInputs(
  day: string | undefined,
  month: string | undefined,
  vcenterId: string | undefined,
): void {
  if (day !== undefined) checkDate('day', day, /^[2-9]\d{3}-\d{2}-\d{2}$/, day);
  if (month !== undefined) checkDate('month', month, /^[2-9]\d{3}-\d{2}$/, `${month}-01`);
  if (vcenterId !== undefined && !UUID.test(vcenterId))
    throw new ChargebackInputError(`vcenterId must be a UUID, got "${vcenterId}"`);
}

/** TypeORM returns the rows, a pg client a result object holding them. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

interface Period {
  /** First and last-plus-one instant of the period in the configured time zone. */
  start: Date;
  end: Date;
  /** Hours of the calendar month holding the period (disk is priced per GB-month). */
  monthHours: number;
}

/** The instants of [first, next) local dates in `timeZone`, as PostgreSQL's time zone data has them. */
async function periodOf(db: SqlRunner, timeZone: string, first: string, next: string): Promise<Period> {
  const [row] = rowsOf<{ start: Date; end: Date; month_hours: number }>(
    await db.query(
      `SELECT $1::date::timestamp AT TIME ZONE $3 AS start, $2::date::timestamp AT TIME ZONE $3 AS end,
              extract(epoch FROM (date_trunc('month', $1::date::timestamp) + interval '1 month') AT TIME ZONE $3
                                 - date_trunc('month', $1::date::timestamp) AT TIME ZONE $3)::double precision / 3600
                AS month_hours`,
      [first, next, timeZone],
    ),
  );
  return { start: row.start, end: row.end, monthHours: row.month_hours };
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function nextMonth(month: string): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString().slice(0, 10);
}

/**
 * Replaces the daily summary of `day` (YYYY-MM-DD, a calendar day in `config.timeZone`) for one
 * vCenter or all, with its cluster capacity rows and the hourly and daily totals caches. Totals are
 * refreshed here rather than by a function of their own so that they never disagree with the
 * summaries they come from; a totals backfill is a re-run of the days. Runs in the caller's
 * transaction: a failure leaves the day as it was.
 */
export async function aggregateDay(
  db: SqlRunner,
  config: ChargebackConfig,
  day: string,
  vcenterId?: string,
): Promise<AggregationResult> {
  checkInputs(day, undefined, vcenterId);
  const vcenter = vcenterId ?? null;
  const next = addDays(day, 1);
  const period = await periodOf(db, config.timeZone, day, next);
  const parameters = chargebackParameters(config);
  const table = 'chargeback_daily';
  await createMonthlyPartition(db, table, monthlyPartition(table, new Date(`${day}T00:00:00Z`)));

  const vcenterMatch = '($2::uuid IS NULL OR vcenter_id = $2)';
  await db.query(`DELETE FROM chargeback_daily WHERE day = $1 AND ${vcenterMatch}`, [day, vcenter]);
  await db.query(`DELETE FROM chargeback_cluster_daily WHERE day = $1 AND ${vcenterMatch}`, [day, vcenter]);
  await db.query(
    `DELETE FROM chargeback_totals
      WHERE ((kind = 'hourly' AND period_start >= $1 AND period_start < $3) OR (kind = 'daily' AND period_start = $1))
        AND ${vcenterMatch}`,
    [period.start, vcenter, period.end],
  );

  const [{ rows }] = rowsOf<{ rows: number }>(
    await db.query(vmSummarySql(table, 'day', '$13::date'), [
      period.start,
      period.end,
      vcenter,
      period.monthHours,
      ...parameters.pools,
      parameters.excludedTenants,
      parameters.srmActiveActiveVcenters,
      parameters.priceCards,
      parameters.perNodeClusters,
      day,
    ]),
  );
  await db.query(CLUSTER_DAILY_SQL, [
    period.start,
    period.end,
    vcenter,
    period.monthHours,
    day,
    parameters.perNodeClusters,
  ]);
  await db.query(HOURLY_TOTALS_SQL, [
    period.start,
    period.end,
    vcenter,
    ...parameters.pools,
    parameters.excludedTenants,
    parameters.srmActiveActiveVcenters,
  ]);
  await db.query(periodTotalsSql('daily', table, 'day'), [period.start, vcenter, day, next]);
  return { rows };
}

/**
 * Replaces the monthly summary of `month` (YYYY-MM in `config.timeZone`) and its monthly totals, from
 * the month's daily summaries (vCTP's weighted rules; the days must have been aggregated) or
 * straight from the hourly snapshots (the daily rules applied to the whole month). Runs in the
 * caller's transaction.
 */
export async function aggregateMonth(
  db: SqlRunner,
  config: ChargebackConfig,
  month: string,
  vcenterId?: string,
  source: MonthlySource = 'daily',
): Promise<AggregationResult> {
  checkInputs(undefined, month, vcenterId);
  if (source !== 'daily' && source !== 'hourly')
    throw new ChargebackInputError(`source must be daily or hourly, got "${String(source)}"`);
  const vcenter = vcenterId ?? null;
  const first = `${month}-01`;
  const next = nextMonth(month);
  const period = await periodOf(db, config.timeZone, first, next);

  const vcenterMatch = '($2::uuid IS NULL OR vcenter_id = $2)';
  await db.query(`DELETE FROM chargeback_monthly WHERE month = $1 AND ${vcenterMatch}`, [first, vcenter]);
  await db.query(
    `DELETE FROM chargeback_totals WHERE kind = 'monthly' AND period_start = $1 AND ${vcenterMatch}`,
    [period.start, vcenter],
  );

  let result: unknown;
  if (source === 'daily') {
    result = await db.query(MONTHLY_FROM_DAILY_SQL, [vcenter, first, next, period.start, period.end]);
  } else {
    const parameters = chargebackParameters(config);
    result = await db.query(vmSummarySql('chargeback_monthly', 'month', '$13::date'), [
      period.start,
      period.end,
      vcenter,
      period.monthHours,
      ...parameters.pools,
      parameters.excludedTenants,
      parameters.srmActiveActiveVcenters,
      parameters.priceCards,
      parameters.perNodeClusters,
      first,
    ]);
  }
  await db.query(periodTotalsSql('monthly', 'chargeback_monthly', 'month'), [
    period.start,
    vcenter,
    first,
    next,
  ]);
  const [{ rows }] = rowsOf<{ rows: number }>(result);
  return { rows };
}
