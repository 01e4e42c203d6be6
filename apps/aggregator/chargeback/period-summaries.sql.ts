import { r6, SUMMARY_COLUMNS } from './vm-summary.sql';

/**
 * Capacity of each cluster over a day against what its VMs were allocated, and the price of the
 * hosts of per-node clusters. Capacity counts hosts connected and out of maintenance, averaged over
 * the complete samples; standalone hosts make the cluster ''. Parameters: $1 day start, $2 day end,
 * $3 vCenter or null, $4 hours of the day's month, $5 the day, $6 per-node clusters (JSON).
 */
export const CLUSTER_DAILY_SQL = `
WITH samples AS (
  SELECT vcenter_id, snapshot_time FROM inventory_snapshot
   WHERE complete AND snapshot_time >= $1 AND snapshot_time < $2 AND ($3::uuid IS NULL OR vcenter_id = $3)
),
sample_counts AS (
  SELECT vcenter_id, count(*) AS total_samples FROM samples GROUP BY vcenter_id
),
hosts AS (
  SELECT h.vcenter_id, coalesce(h.cluster_name, '') AS cluster, count(*) AS host_samples,
         sum(h.cpu_cores) AS cores, sum(h.memory_mb) AS memory_mb
    FROM inventory_host h
    JOIN samples s ON s.vcenter_id = h.vcenter_id AND s.snapshot_time = h.snapshot_time
   WHERE h.snapshot_time >= $1 AND h.snapshot_time < $2 AND h.connection_state = 'connected' AND NOT h.in_maintenance
   GROUP BY 1, 2
),
allocated AS (
  SELECT vcenter_id, coalesce(cluster, '') AS cluster, sum(avg_vcpu_count) AS vcpu, sum(avg_ram_gb) AS ram_gb
    FROM chargeback_daily
   WHERE day = $5 AND NOT is_template AND ($3::uuid IS NULL OR vcenter_id = $3)
   GROUP BY 1, 2
),
per_node AS (
  SELECT cluster, max(host_month) AS host_month
    FROM jsonb_to_recordset($6::jsonb) AS n(cluster text, host_month double precision) GROUP BY cluster
),
measured AS (
  SELECT h.vcenter_id, h.cluster, n.host_month,
         ${r6('h.host_samples::double precision / c.total_samples')} AS host_count,
         ${r6("h.host_samples * date_part('epoch', $2 - $1) / 3600 / c.total_samples")} AS host_hours,
         ${r6('h.cores::double precision / c.total_samples')} AS cpu_cores,
         ${r6('h.memory_mb::double precision / 1024 / c.total_samples')} AS memory_gb,
         ${r6('coalesce(a.vcpu, 0)')} AS allocated_vcpu, ${r6('coalesce(a.ram_gb, 0)')} AS allocated_ram_gb
    FROM hosts h
    JOIN sample_counts c ON c.vcenter_id = h.vcenter_id
    LEFT JOIN allocated a ON a.vcenter_id = h.vcenter_id AND a.cluster = h.cluster
    LEFT JOIN per_node n ON n.cluster = h.cluster AND h.cluster <> ''
)
INSERT INTO chargeback_cluster_daily (vcenter_id, day, cluster, host_count, host_hours, cpu_cores, memory_gb,
                                      allocated_vcpu, allocated_ram_gb, idle_vcpu, idle_ram_gb, per_node, cost)
SELECT vcenter_id, $5, cluster, host_count, host_hours, cpu_cores, memory_gb, allocated_vcpu, allocated_ram_gb,
       ${r6('cpu_cores - allocated_vcpu')}, ${r6('memory_gb - allocated_ram_gb')}, host_month IS NOT NULL,
       coalesce(round((host_hours * host_month / $4)::numeric, 4), 0)
  FROM measured`;

/**
 * Totals of each complete snapshot of a period: what the vCenter held (VMs, vCPU, RAM, disk, VMs per
 * pool; templates apart), from step 1 of the summary (scanGroupsSql). Totals describe the
 * inventory, so chargeback's filters do not apply to them; cost is what chargeback charged. An hour
 * has no cost (cost accrues by the day). Parameters: $1 period start, $2 period end, $3 vCenter or
 * null, $4–$7 the names of Tin … Gold.
 */
export const HOURLY_TOTALS_SQL = `
INSERT INTO chargeback_totals (kind, vcenter_id, period_start, samples, vms, vcpus, ram_gb, disk_gb,
                               tin, bronze, silver, gold, templates, cost)
SELECT 'hourly', s.vcenter_id, s.snapshot_time, 1,
       coalesce(sum(g.vms) FILTER (WHERE NOT g.template), 0),
       coalesce(sum(g.vcpus) FILTER (WHERE NOT g.template), 0),
       ${r6('sum(g.memory_mb) FILTER (WHERE NOT g.template) / 1024.0')},
       ${r6('sum(g.disk_gb) FILTER (WHERE NOT g.template)')},
       coalesce(sum(g.vms) FILTER (WHERE NOT g.template AND g.resource_pool_name = ANY($4::text[])), 0),
       coalesce(sum(g.vms) FILTER (WHERE NOT g.template AND g.resource_pool_name = ANY($5::text[])), 0),
       coalesce(sum(g.vms) FILTER (WHERE NOT g.template AND g.resource_pool_name = ANY($6::text[])), 0),
       coalesce(sum(g.vms) FILTER (WHERE NOT g.template AND g.resource_pool_name = ANY($7::text[])), 0),
       coalesce(sum(g.vms) FILTER (WHERE g.template), 0),
       NULL
  FROM inventory_snapshot s
  LEFT JOIN chargeback_scan_groups g ON NOT g.per_vm AND g.vcenter_id = s.vcenter_id AND g.snapshot_time = s.snapshot_time
 WHERE s.complete AND s.snapshot_time >= $1 AND s.snapshot_time < $2 AND ($3::uuid IS NULL OR s.vcenter_id = $3)
 GROUP BY s.vcenter_id, s.snapshot_time`;

/**
 * A day's totals: the averages of its hourly totals, and the cost of its summary rows and per-node
 * clusters. Parameters: $1 day start, $2 day end, $3 vCenter or null, $4 the day.
 */
export const DAILY_TOTALS_SQL = `
WITH hours AS (
  SELECT vcenter_id, count(*)::integer AS samples, ${r6('avg(vms)')} AS vms, ${r6('avg(vcpus)')} AS vcpus,
         ${r6('avg(ram_gb)')} AS ram_gb, ${r6('avg(disk_gb)')} AS disk_gb, ${r6('avg(tin)')} AS tin,
         ${r6('avg(bronze)')} AS bronze, ${r6('avg(silver)')} AS silver, ${r6('avg(gold)')} AS gold,
         ${r6('avg(templates)')} AS templates
    FROM chargeback_totals
   WHERE kind = 'hourly' AND period_start >= $1 AND period_start < $2 AND ($3::uuid IS NULL OR vcenter_id = $3)
   GROUP BY vcenter_id
),
costs AS (
  SELECT vcenter_id, sum(cost) AS cost
    FROM (SELECT vcenter_id, cost FROM chargeback_daily WHERE day = $4 AND ($3::uuid IS NULL OR vcenter_id = $3)
          UNION ALL
          SELECT vcenter_id, cost FROM chargeback_cluster_daily WHERE day = $4 AND ($3::uuid IS NULL OR vcenter_id = $3))
         charged
   GROUP BY vcenter_id
)
INSERT INTO chargeback_totals (kind, vcenter_id, period_start, samples, vms, vcpus, ram_gb, disk_gb,
                               tin, bronze, silver, gold, templates, cost)
SELECT 'daily', coalesce(h.vcenter_id, c.vcenter_id), $1, coalesce(h.samples, 0), coalesce(h.vms, 0),
       coalesce(h.vcpus, 0), coalesce(h.ram_gb, 0), coalesce(h.disk_gb, 0), coalesce(h.tin, 0), coalesce(h.bronze, 0),
       coalesce(h.silver, 0), coalesce(h.gold, 0), coalesce(h.templates, 0), coalesce(c.cost, 0)
  FROM hours h FULL JOIN costs c ON c.vcenter_id = h.vcenter_id`;

/**
 * A month's totals from its daily totals: averages weighted by each day's samples, cost summed.
 * Parameters: $1 month start, $2 month end, $3 vCenter or null.
 */
export const MONTHLY_TOTALS_SQL = `
INSERT INTO chargeback_totals (kind, vcenter_id, period_start, samples, vms, vcpus, ram_gb, disk_gb,
                               tin, bronze, silver, gold, templates, cost)
SELECT 'monthly', vcenter_id, $1, sum(samples)::integer,
       ${r6('sum(vms * samples) / nullif(sum(samples), 0)')}, ${r6('sum(vcpus * samples) / nullif(sum(samples), 0)')},
       ${r6('sum(ram_gb * samples) / nullif(sum(samples), 0)')}, ${r6('sum(disk_gb * samples) / nullif(sum(samples), 0)')},
       ${r6('sum(tin * samples) / nullif(sum(samples), 0)')}, ${r6('sum(bronze * samples) / nullif(sum(samples), 0)')},
       ${r6('sum(silver * samples) / nullif(sum(samples), 0)')}, ${r6('sum(gold * samples) / nullif(sum(samples), 0)')},
       ${r6('sum(templates * samples) / nullif(sum(samples), 0)')}, sum(cost)
  FROM chargeback_totals
 WHERE kind = 'daily' AND period_start >= $1 AND period_start < $2 AND ($3::uuid IS NULL OR vcenter_id = $3)
 GROUP BY vcenter_id`;

/**
 * The monthly summary from the month's daily summaries, by vCTP's rules: averages weighted by each
 * day's TotalSamples and divided by the month's (the sum of the days' TotalSamples, from the daily
 * totals); pool percentages likewise; identity and placement as last seen; hours, quantities and
 * cost summed. In two statements like the daily one (MONTH_VMS_SQL per VM, in parallel; then the
 * insert). Parameters: $1 vCenter or null, $2 the month's first day, $3 the next month's, and for
 * the insert $4 month start, $5 month end (instants).
 */
export const MONTH_VMS_SQL = `
CREATE TEMPORARY TABLE chargeback_month_vms ON COMMIT DROP AS
  SELECT vcenter_id, moref, max(day) AS last_day, sum(samples_present)::integer AS samples_present,
         sum(avg_vcpu_count * total_samples) AS vcpu_weighted, sum(avg_ram_gb * total_samples) AS ram_weighted,
         sum(avg_provisioned_disk * total_samples) AS disk_weighted,
         sum(pool_tin_pct / 100 * total_samples) AS tin_weighted, sum(pool_bronze_pct / 100 * total_samples) AS bronze_weighted,
         sum(pool_silver_pct / 100 * total_samples) AS silver_weighted, sum(pool_gold_pct / 100 * total_samples) AS gold_weighted,
         sum(powered_on_samples)::integer AS powered_on_samples, sum(exact_present_hours) AS exact_present_hours,
         sum(powered_on_hours) AS powered_on_hours, sum(vcpu_hours) AS vcpu_hours, sum(ram_gb_hours) AS ram_gb_hours,
         sum(disk_gb_months) AS disk_gb_months, sum(cost) AS cost, max(deletion_time) AS deletion_time
    FROM chargeback_daily
   WHERE day >= $2 AND day < $3 AND ($1::uuid IS NULL OR vcenter_id = $1)
   GROUP BY vcenter_id, moref`;

/** What the monthly summary takes from a VM's last daily row `d`: only these, the rows are materialized. */
const LAST_DAY_COLUMNS = `d.vcenter_id, d.moref, d.name, d.vm_uuid, d.instance_uuid, d.event_key, d.cloud_id,
  d.srm_placeholder, d.is_template, d.powered_on, d.datacenter, d.cluster, d.folder, d.resource_pool, d.tenant, d.pool,
  d.creation_time, d.snapshot_time, d.per_node, d.price_card`;

export const MONTHLY_FROM_DAILY_SQL = `
WITH month_samples AS (
  SELECT vcenter_id, sum(samples)::integer AS total_samples FROM chargeback_totals
   WHERE kind = 'daily' AND period_start >= $4 AND period_start < $5 AND ($1::uuid IS NULL OR vcenter_id = $1)
   GROUP BY vcenter_id
),
latest AS (
  SELECT vcenter_id, max(last_day) AS last_day FROM chargeback_month_vms GROUP BY vcenter_id
),
-- Each VM's last daily row. Most VMs were last seen on their vCenter's last day: that day's rows are
-- read in one range of the primary key; only the other VMs are looked up one by one. Looking up all
-- 40,000 cost about 1.5× a bare scan. MATERIALIZED: inlined, the planner turns the range back into a
-- lookup per VM.
last_rows AS MATERIALIZED (
  SELECT ${LAST_DAY_COLUMNS} FROM latest t
    JOIN chargeback_daily d ON d.vcenter_id = t.vcenter_id AND d.day = t.last_day
   WHERE d.day >= $2 AND d.day < $3
  UNION ALL
  SELECT ${LAST_DAY_COLUMNS} FROM chargeback_month_vms p
    JOIN latest t ON t.vcenter_id = p.vcenter_id AND p.last_day < t.last_day
    JOIN chargeback_daily d ON d.vcenter_id = p.vcenter_id AND d.day = p.last_day AND d.moref = p.moref
   WHERE d.day >= $2 AND d.day < $3
),
inserted AS (
  INSERT INTO chargeback_monthly (vcenter_id, month, ${SUMMARY_COLUMNS})
  SELECT p.vcenter_id, $2, p.moref, d.name, d.vm_uuid, d.instance_uuid, d.event_key, d.cloud_id, d.srm_placeholder,
         d.is_template, d.powered_on, d.datacenter, d.cluster, d.folder, d.resource_pool, d.tenant, d.pool,
         d.creation_time, p.deletion_time, d.snapshot_time, coalesce(m.total_samples, 0), p.samples_present,
         ${r6('p.samples_present::double precision / nullif(m.total_samples, 0)')},
         ${r6('p.vcpu_weighted / nullif(m.total_samples, 0)')},
         ${r6('p.ram_weighted / nullif(m.total_samples, 0)')},
         ${r6('p.disk_weighted / nullif(m.total_samples, 0)')},
         ${r6('100 * p.tin_weighted / nullif(m.total_samples, 0)')},
         ${r6('100 * p.bronze_weighted / nullif(m.total_samples, 0)')},
         ${r6('100 * p.silver_weighted / nullif(m.total_samples, 0)')},
         ${r6('100 * p.gold_weighted / nullif(m.total_samples, 0)')},
         p.powered_on_samples, ${r6('p.exact_present_hours')}, ${r6('p.powered_on_hours')}, d.per_node, d.price_card,
         ${r6('p.vcpu_hours')}, ${r6('p.ram_gb_hours')}, ${r6('p.disk_gb_months')}, p.cost
    FROM chargeback_month_vms p
    JOIN last_rows d ON d.vcenter_id = p.vcenter_id AND d.moref = p.moref
    LEFT JOIN month_samples m ON m.vcenter_id = p.vcenter_id
  RETURNING 1
)
SELECT count(*)::integer AS rows FROM inserted`;
