import type { ChargebackConfig } from '@vcc/config';
import { createMonthlyPartition, monthlyPartition, type SqlRunner } from '@vcc/database';
import { chargebackParameters, type ChargebackParameters } from './chargeback-parameters';
import {
  CLUSTER_DAILY_SQL,
  DAILY_TOTALS_SQL,
  HOURLY_TOTALS_SQL,
  MONTH_VMS_SQL,
  MONTHLY_FROM_DAILY_SQL,
  MONTHLY_TOTALS_SQL,
} from './period-summaries.sql';
import {
  ALL_COMPLETE_SQL,
  DROP_TEMPORARY_SQL,
  POOL_NAMES_SQL,
  scanGroupsSql,
  VM_SAMPLES_SQL,
  vmSummarySql,
} from './vm-summary.sql';

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
function checkDate(field: string, value: string, format: string, pattern: RegExp, iso: string): void {
  const parsed = new Date(`${iso}T00:00:00Z`);
  if (!pattern.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso)
    throw new ChargebackInputError(`${field} must be a date ${format} between 2000 and 9999, got "${value}"`);
}

function checkInputs(
  day: string | undefined,
  month: string | undefined,
  vcenterId: string | undefined,
): void {
  if (day !== undefined) checkDate('day', day, 'YYYY-MM-DD', /^[2-9]\d{3}-\d{2}-\d{2}$/, day);
  if (month !== undefined) checkDate('month', month, 'YYYY-MM', /^[2-9]\d{3}-\d{2}$/, `${month}-01`);
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
 * Runs `work` with the settings a run needs and without leftovers of an earlier run in the same
 * transaction. Hash tables of 40,000 VMs outgrow PostgreSQL's default 4 MB work_mem and spill to
 * disk; JIT compiling these one-off statements took longer than running them. With the default
 * random_page_cost (4, for spinning disks) the planner read a whole month's daily rows rather than
 * the last day's range (a third of a bare scan against twice), because each day's rows are spread
 * over vCenters; 1.1 is the usual figure for SSDs and cached data. The caller's transaction gets
 * its own settings back afterwards.
 */
async function inRun<T>(db: SqlRunner, work: () => Promise<T>): Promise<T> {
  const [saved] = rowsOf<{ work_mem: string; jit: string; random_page_cost: string }>(
    await db.query(
      `SELECT current_setting('work_mem') AS work_mem, current_setting('jit') AS jit,
              current_setting('random_page_cost') AS random_page_cost`,
    ),
  );
  await db.query(DROP_TEMPORARY_SQL);
  await db.query(
    `SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true),
            set_config('random_page_cost', '1.1', true)`,
  );
  const result = await work();
  await db.query(DROP_TEMPORARY_SQL);
  await db.query(
    "SELECT set_config('work_mem', $1, true), set_config('jit', $2, true), set_config('random_page_cost', $3, true)",
    [saved.work_mem, saved.jit, saved.random_page_cost],
  );
  return result;
}

/** The names of each pool among those in use. */
type PoolNames = [string[], string[], string[], string[]];

/**
 * Steps 1 and 2 of a summary over [start, end) (see vm-summary.sql.ts): fills the temporary tables
 * the summary and the hourly totals read, and returns the pool names in use by pool.
 */
async function scanSnapshots(
  db: SqlRunner,
  period: Period,
  vcenter: string | null,
  parameters: ChargebackParameters,
): Promise<PoolNames> {
  const range = [period.start, period.end, vcenter];
  const [{ all_complete: allComplete }] = rowsOf<{ all_complete: boolean }>(
    await db.query(ALL_COMPLETE_SQL, range),
  );
  await db.query(scanGroupsSql(allComplete), range);
  const [names] = rowsOf<{ tin: string[]; bronze: string[]; silver: string[]; gold: string[] }>(
    await db.query(POOL_NAMES_SQL, parameters.pools),
  );
  const poolNames: PoolNames = [names.tin, names.bronze, names.silver, names.gold];
  await db.query(VM_SAMPLES_SQL, poolNames);
  return poolNames;
}

/** Step 3: the summary rows, into `table` with `periodValue` as period. */
async function insertSummary(
  db: SqlRunner,
  table: string,
  periodColumn: string,
  periodValue: string,
  period: Period,
  vcenter: string | null,
  parameters: ChargebackParameters,
  poolNames: PoolNames,
): Promise<number> {
  const [{ rows }] = rowsOf<{ rows: number }>(
    await db.query(vmSummarySql(table, periodColumn, '$13::date'), [
      period.start,
      period.end,
      vcenter,
      period.monthHours,
      ...poolNames,
      parameters.excludedTenants,
      parameters.srmActiveActiveVcenters,
      parameters.priceCards,
      parameters.perNodeClusters,
      periodValue,
    ]),
  );
  return rows;
}

/**
 * `db` must be one connection in a transaction (a QueryRunner, a transaction's EntityManager or a
 * pg client after BEGIN): a run keeps temporary tables and settings between its statements.
 *
 * Replaces the daily summary of `day` (YYYY-MM-DD, a calendar day in `config.timeZone`) for one
 * vCenter or all, with its cluster capacity rows and the hourly and daily totals caches. Totals are
 * refreshed here rather than by a function of their own: they come from the same scan of the
 * snapshots, and a totals backfill is a re-run of the days. Runs in the caller's transaction: a
 * failure leaves the day as it was.
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
  return inRun(db, async () => {
    const vcenterMatch = '($2::uuid IS NULL OR vcenter_id = $2)';
    await db.query(`DELETE FROM chargeback_daily WHERE day = $1 AND ${vcenterMatch}`, [day, vcenter]);
    await db.query(`DELETE FROM chargeback_cluster_daily WHERE day = $1 AND ${vcenterMatch}`, [day, vcenter]);
    await db.query(
      `DELETE FROM chargeback_totals
        WHERE ((kind = 'hourly' AND period_start >= $1 AND period_start < $3) OR (kind = 'daily' AND period_start = $1))
          AND ${vcenterMatch}`,
      [period.start, vcenter, period.end],
    );
    const poolNames = await scanSnapshots(db, period, vcenter, parameters);
    const rows = await insertSummary(db, table, 'day', day, period, vcenter, parameters, poolNames);
    await db.query(HOURLY_TOTALS_SQL, [period.start, period.end, vcenter, ...poolNames]);
    await db.query(CLUSTER_DAILY_SQL, [
      period.start,
      period.end,
      vcenter,
      period.monthHours,
      day,
      parameters.perNodeClusters,
    ]);
    await db.query(DAILY_TOTALS_SQL, [period.start, period.end, vcenter, day]);
    return { rows };
  });
}

/**
 * `db` as for aggregateDay. Replaces the monthly summary of `month` (YYYY-MM in `config.timeZone`) and its monthly totals, from
 * the month's daily summaries (vCTP's weighted rules; the days must have been aggregated) or
 * straight from the hourly snapshots (the daily rules applied to the whole month). Monthly totals
 * always come from the daily totals. Runs in the caller's transaction.
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
  return inRun(db, async () => {
    const vcenterMatch = '($2::uuid IS NULL OR vcenter_id = $2)';
    await db.query(`DELETE FROM chargeback_monthly WHERE month = $1 AND ${vcenterMatch}`, [first, vcenter]);
    await db.query(
      `DELETE FROM chargeback_totals WHERE kind = 'monthly' AND period_start = $1 AND ${vcenterMatch}`,
      [period.start, vcenter],
    );
    let rows: number;
    if (source === 'daily') {
      await db.query(MONTH_VMS_SQL, [vcenter, first, next]);
      // Statistics tell the planner the month's last days are a few (one per vCenter), so that it
      // reads their rows by range rather than the whole month.
      await db.query('ANALYZE chargeback_month_vms (vcenter_id, last_day)');
      [{ rows }] = rowsOf<{ rows: number }>(
        await db.query(MONTHLY_FROM_DAILY_SQL, [vcenter, first, next, period.start, period.end]),
      );
    } else {
      const parameters = chargebackParameters(config);
      const poolNames = await scanSnapshots(db, period, vcenter, parameters);
      rows = await insertSummary(
        db,
        'chargeback_monthly',
        'month',
        first,
        period,
        vcenter,
        parameters,
        poolNames,
      );
    }
    await db.query(MONTHLY_TOTALS_SQL, [period.start, period.end, vcenter]);
    return { rows };
  });
}
