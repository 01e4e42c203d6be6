import type { EntityManager } from 'typeorm';
import { CHARGEBACK_POOLS } from '@vcc/config';
import { SUMMARY_COLUMN_NAMES } from '../chargeback';
import type { ReportKey } from './report-store';

type Row = Record<string, unknown>;

/** Pool ids as stored (0 none, then CHARGEBACK_POOLS in order), shown by name. */
const POOL_NAME = `(ARRAY['none', ${CHARGEBACK_POOLS.map((pool) => `'${pool}'`).join(', ')}])[t.pool + 1]`;

/** The per-VM sheet reads the summary this many rows at a time, so that no more sit in memory. */
export const VM_PAGE_ROWS = 5000;

/** Sums over summary rows `t` that the pool and tenant sheets show. */
const MEASURES = `count(*) FILTER (WHERE NOT t.is_template)::integer AS vms,
       sum(t.avg_vcpu_count) FILTER (WHERE NOT t.is_template) AS vcpus,
       sum(t.avg_ram_gb) FILTER (WHERE NOT t.is_template) AS ram_gb,
       sum(t.avg_provisioned_disk) FILTER (WHERE NOT t.is_template) AS disk_gb,
       sum(t.vcpu_hours) AS vcpu_hours, sum(t.ram_gb_hours) AS ram_gb_hours,
       sum(t.disk_gb_months) AS disk_gb_months, sum(t.cost)::float8 AS cost`;

/**
 * What a report shows, read in the job's transaction: one consistent period, for one vCenter or
 * all. Reads only what the daily and monthly jobs wrote, plus the hourly snapshots for the
 * interval rows of a day.
 */
export class ReportData {
  private readonly table: string;
  private readonly periodColumn: string;
  /** The period's first day. */
  private readonly first: string;

  constructor(
    private readonly db: EntityManager,
    private readonly key: ReportKey,
    private readonly timeZone: string,
  ) {
    this.table = key.type === 'daily' ? 'chargeback_daily' : 'chargeback_monthly';
    this.periodColumn = key.type === 'daily' ? 'day' : 'month';
    this.first = key.type === 'daily' ? key.period : `${key.period}-01`;
  }

  /** The period's totals per vCenter (chargeback_totals, as GET /api/v1/chargeback/totals). */
  vcenterTotals(): Promise<Row[]> {
    return this.db.query(
      `SELECT coalesce(v.name, t.vcenter_id::text) AS vcenter, t.samples, t.vms, t.vcpus, t.ram_gb, t.disk_gb,
              t.tin, t.bronze, t.silver, t.gold, t.templates, t.cost::float8 AS cost
         FROM chargeback_totals t LEFT JOIN vcenter v ON v.id = t.vcenter_id
        WHERE t.kind = $1 AND t.period_start = ($2::date::timestamp AT TIME ZONE $3)
          AND ($4::uuid IS NULL OR t.vcenter_id = $4)
        ORDER BY 1`,
      [this.key.type, this.first, this.timeZone, this.key.vcenterId],
    );
  }

  /** Sums of the summary rows per pool (a VM's pool as last seen), every pool listed. */
  pools(): Promise<Row[]> {
    return this.db.query(
      `SELECT p.name AS pool, coalesce(s.vms, 0) AS vms, coalesce(s.vcpus, 0) AS vcpus,
              coalesce(s.ram_gb, 0) AS ram_gb, coalesce(s.disk_gb, 0) AS disk_gb,
              coalesce(s.vcpu_hours, 0) AS vcpu_hours, coalesce(s.ram_gb_hours, 0) AS ram_gb_hours,
              coalesce(s.disk_gb_months, 0) AS disk_gb_months, coalesce(s.cost, 0) AS cost
         FROM unnest($3::text[]) WITH ORDINALITY AS p(name, id)
         LEFT JOIN (SELECT t.pool, ${MEASURES} FROM ${this.table} t
                     WHERE t.${this.periodColumn} = $1 AND ($2::uuid IS NULL OR t.vcenter_id = $2)
                     GROUP BY t.pool) s ON s.pool = p.id - 1
        ORDER BY p.id`,
      [this.first, this.key.vcenterId, ['none', ...CHARGEBACK_POOLS]],
    );
  }

  /** Sums of the summary rows per tenant and folder. */
  tenants(): Promise<Row[]> {
    return this.db.query(
      `SELECT coalesce(t.tenant, '') AS tenant, coalesce(t.folder, '') AS folder, ${MEASURES}
         FROM ${this.table} t
        WHERE t.${this.periodColumn} = $1 AND ($2::uuid IS NULL OR t.vcenter_id = $2)
        GROUP BY 1, 2 ORDER BY 1, 2`,
      [this.first, this.key.vcenterId],
    );
  }

  /**
   * The daily totals, summed over the vCenters, of the period's month up to its last day, each
   * labelled with its interval `YYYY-MM-DD to YYYY-MM-DD` (the next day, excluded).
   */
  dailyTotals(): Promise<Row[]> {
    const last = this.key.type === 'daily' ? this.key.period : null;
    return this.db.query(
      `WITH days AS (
         SELECT (t.period_start AT TIME ZONE $3)::date AS day, sum(t.vms) AS vms, sum(t.vcpus) AS vcpus,
                sum(t.ram_gb) AS ram_gb, sum(t.disk_gb) AS disk_gb, sum(t.tin) AS tin, sum(t.bronze) AS bronze,
                sum(t.silver) AS silver, sum(t.gold) AS gold, sum(t.templates) AS templates,
                sum(t.cost)::float8 AS cost
           FROM chargeback_totals t
          WHERE t.kind = 'daily' AND ($4::uuid IS NULL OR t.vcenter_id = $4)
            AND t.period_start >= (date_trunc('month', $1::date)::timestamp AT TIME ZONE $3)
            AND t.period_start < (coalesce($2::date + 1, (date_trunc('month', $1::date) + interval '1 month')::date)::timestamp AT TIME ZONE $3)
          GROUP BY 1)
       SELECT to_char(day, 'YYYY-MM-DD') || ' to ' || to_char(day + 1, 'YYYY-MM-DD') AS interval,
              vms, vcpus, ram_gb, disk_gb, tin, bronze, silver, gold, templates, cost
         FROM days ORDER BY day`,
      [this.first, last, this.timeZone, this.key.vcenterId],
    );
  }

  /**
   * The day's hours `[HH:00, HH+1:00)` per vCenter, each from the first complete snapshot at or
   * after the hour's end (the next day's first for the last hour). A VM counts for the part of the
   * hour it existed: created in the hour (vCenter's creation time), from then; deleted in the hour
   * (its deletion time), until then, which takes it from the snapshot at or after the hour's start
   * since the later one no longer has it. Templates apart; no row values when no snapshot follows.
   */
  hourlyTotals(): Promise<Row[]> {
    return this.db.query(
      `WITH hours AS (
         SELECT h AS hour_start, h + interval '1 hour' AS hour_end
           FROM generate_series($1::date::timestamp AT TIME ZONE $2,
                                ($1::date + 1)::timestamp AT TIME ZONE $2 - interval '1 hour', interval '1 hour') h
       ),
       vcenters AS (
         SELECT DISTINCT vcenter_id FROM inventory_snapshot
          WHERE complete AND snapshot_time >= $1::date::timestamp AT TIME ZONE $2
            AND snapshot_time < ($1::date + 2)::timestamp AT TIME ZONE $2
            AND ($3::uuid IS NULL OR vcenter_id = $3)
       ),
       slots AS (
         SELECT c.vcenter_id, h.hour_start, h.hour_end,
                (SELECT min(s.snapshot_time) FROM inventory_snapshot s
                  WHERE s.vcenter_id = c.vcenter_id AND s.complete AND s.snapshot_time >= h.hour_end) AS taken,
                (SELECT min(s.snapshot_time) FROM inventory_snapshot s
                  WHERE s.vcenter_id = c.vcenter_id AND s.complete AND s.snapshot_time >= h.hour_start) AS before
           FROM vcenters c CROSS JOIN hours h
       ),
       present AS (
         SELECT x.vcenter_id, x.hour_start, vm.vcpus, vm.memory_mb, vm.provisioned_disk_gb,
                extract(epoch FROM least(x.hour_end, coalesce(vm.deletion_time, x.hour_end))
                                   - greatest(x.hour_start, coalesce(vm.vm_created_at, x.hour_start))) / 3600 AS share
           FROM slots x
           JOIN inventory_vm vm ON vm.vcenter_id = x.vcenter_id AND vm.snapshot_time = x.taken AND NOT vm.template
         UNION ALL
         SELECT x.vcenter_id, x.hour_start, vm.vcpus, vm.memory_mb, vm.provisioned_disk_gb,
                extract(epoch FROM vm.deletion_time - greatest(x.hour_start, coalesce(vm.vm_created_at, x.hour_start))) / 3600
           FROM slots x
           JOIN inventory_vm vm ON vm.vcenter_id = x.vcenter_id AND vm.snapshot_time = x.before AND NOT vm.template
          WHERE x.before < x.taken AND vm.deletion_time >= x.hour_start AND vm.deletion_time < x.hour_end
            AND NOT EXISTS (SELECT 1 FROM inventory_vm later
                             WHERE later.vcenter_id = x.vcenter_id AND later.snapshot_time = x.taken
                               AND later.moref = vm.moref)
       ),
       sums AS (
         SELECT vcenter_id, hour_start, sum(greatest(share, 0)) AS vms,
                sum(greatest(share, 0) * vcpus) AS vcpus, sum(greatest(share, 0) * memory_mb) / 1024 AS ram_gb,
                sum(greatest(share, 0) * provisioned_disk_gb) AS disk_gb
           FROM present GROUP BY 1, 2
       )
       SELECT to_char(x.hour_start AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI') || ' to '
                || to_char(x.hour_end AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI') AS interval,
              coalesce(v.name, x.vcenter_id::text) AS vcenter, x.taken AS snapshot,
              CASE WHEN x.taken IS NOT NULL THEN coalesce(s.vms, 0) END AS vms,
              CASE WHEN x.taken IS NOT NULL THEN coalesce(s.vcpus, 0) END AS vcpus,
              CASE WHEN x.taken IS NOT NULL THEN coalesce(s.ram_gb, 0) END AS ram_gb,
              CASE WHEN x.taken IS NOT NULL THEN coalesce(s.disk_gb, 0) END AS disk_gb
         FROM slots x
         LEFT JOIN sums s ON s.vcenter_id = x.vcenter_id AND s.hour_start = x.hour_start
         LEFT JOIN vcenter v ON v.id = x.vcenter_id
        ORDER BY x.hour_start, 2`,
      [this.first, this.timeZone, this.key.vcenterId],
    );
  }

  /** The summary rows, VM_PAGE_ROWS at a time in key order, each page after the last of `after`. */
  vms(after: { vcenterId: string; moref: string } | undefined): Promise<Row[]> {
    const columns = SUMMARY_COLUMN_NAMES.map((column) => {
      if (column === 'pool') return `${POOL_NAME} AS pool`;
      if (column === 'cost') return 't.cost::float8 AS cost';
      return `t.${column}`;
    }).join(', ');
    return this.db.query(
      `SELECT coalesce(v.name, t.vcenter_id::text) AS vcenter, t.vcenter_id, ${columns}
         FROM ${this.table} t LEFT JOIN vcenter v ON v.id = t.vcenter_id
        WHERE t.${this.periodColumn} = $1 AND ($2::uuid IS NULL OR t.vcenter_id = $2)
          AND ($3::uuid IS NULL OR (t.vcenter_id, t.moref) > ($3, $4))
        ORDER BY t.vcenter_id, t.moref
        LIMIT ${VM_PAGE_ROWS}`,
      [this.first, this.key.vcenterId, after?.vcenterId ?? null, after?.moref ?? null],
    );
  }
}
