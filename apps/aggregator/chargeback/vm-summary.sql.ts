/**
 * The per-VM summary of a period, shared by the daily summary and the monthly one taken straight from
 * hourly snapshots, in three statements:
 *
 * 1. scanGroupsSql(): one pass over the period's rows of complete snapshots, grouped two ways at once
 *    (grouping sets, one hash table each): per snapshot, pool name and template flag (a few hundred
 *    groups; the hourly totals and the pool names in use, so that pools are matched by pattern once
 *    per name, not once per row), and per VM and pool name (about one group per VM). One pass cost
 *    3.7× a bare scan in CPU where the two scans it replaced cost 5×; PostgreSQL runs grouping sets
 *    without parallel workers, and the bench still measured it faster than the two parallel scans.
 *    A regular expression or split per row made the whole summary 15× a bare scan (issue 11).
 * 2. VM_SAMPLES_SQL: the per-VM groups rolled up to one row per VM, pools counted by exact name
 *    (`= ANY` of the names step 1 classified).
 * 3. vmSummarySql(): from one row per VM on, identity as last seen, events, filters and prices.
 */
const CREATED_EVENTS = `'VmCreatedEvent', 'VmClonedEvent', 'VmDeployedEvent', 'VmRegisteredEvent', 'VmDiscoveredEvent'`;
const POWER_EVENTS = `'VmPoweredOnEvent', 'VmPoweredOffEvent', 'VmSuspendedEvent'`;

/**
 * Rounded to 6 decimals, 0 when undefined (a division by no samples): sums of doubles depend on the
 * order rows arrive in, the stored value must not. Rounded as a double: a cast to numeric and back
 * goes through text and cost more than the rest of the summary together.
 */
export const r6 = (expression: string): string =>
  `coalesce(round((${expression})::double precision * 1000000) / 1000000, 0)`;

/** The pool id (1 Tin … 4 Gold, 0 none) of a resource pool name, from the patterns in $first… */
const poolIdSql = (name: string, first: number): string =>
  `CASE WHEN ${name} ILIKE ANY($${first}::text[]) THEN 1 WHEN ${name} ILIKE ANY($${first + 1}::text[]) THEN 2
        WHEN ${name} ILIKE ANY($${first + 2}::text[]) THEN 3 WHEN ${name} ILIKE ANY($${first + 3}::text[]) THEN 4
        ELSE 0 END::smallint`;

/**
 * True for rows chargeback leaves out: an excluded tenant (patterns in $first) or an SRM placeholder
 * outside the active-active vCenters (lower-cased names or ids in $first+1). `vcenterName` comes
 * from a join with vcenter.
 */
const excludedSql = (
  tenant: string,
  srmPlaceholder: string,
  vcenterId: string,
  vcenterName: string,
  first: number,
): string =>
  `(coalesce(${tenant} ILIKE ANY($${first}::text[]), false)
    OR (coalesce(${srmPlaceholder}, false)
        AND NOT coalesce(${vcenterId}::text = ANY($${first + 1}::text[]) OR lower(${vcenterName}) = ANY($${first + 1}::text[]), false)))`;

/** The tenant of a folder path: its first folder; null at the top. */
const tenantSql = (folderPath: string): string => `nullif(split_part(${folderPath}, '/', 1), '')`;

/** Hours of [from, to) inside [start, end). */
const overlapHours = (from: string, to: string, start: string, end: string): string =>
  `greatest(0, date_part('epoch', least(${to}, ${end}) - greatest(${from}, ${start}))) / 3600`;

/**
 * Rows of the period's complete snapshots; $1 start, $2 end, $3 vCenter or null. When every snapshot
 * of the period is complete (the usual day) the join with the registry is left out: it cost a
 * third of each scan, and ingest writes a snapshot's rows with its registry row, never without.
 */
const completeRows = (allComplete: boolean): string =>
  allComplete
    ? `
    FROM inventory_vm v
   WHERE v.snapshot_time >= $1 AND v.snapshot_time < $2 AND ($3::uuid IS NULL OR v.vcenter_id = $3)`
    : `
    FROM inventory_vm v
    JOIN inventory_snapshot s ON s.vcenter_id = v.vcenter_id AND s.snapshot_time = v.snapshot_time AND s.complete
   WHERE v.snapshot_time >= $1 AND v.snapshot_time < $2 AND s.snapshot_time >= $1 AND s.snapshot_time < $2
     AND ($3::uuid IS NULL OR v.vcenter_id = $3)`;

/** True when no snapshot of the period is incomplete; $1 start, $2 end, $3 vCenter or null. */
export const ALL_COMPLETE_SQL = `
SELECT coalesce(bool_and(complete), true) AS all_complete FROM inventory_snapshot
 WHERE snapshot_time >= $1 AND snapshot_time < $2 AND ($3::uuid IS NULL OR vcenter_id = $3)`;

export const scanGroupsSql = (allComplete: boolean): string => `
CREATE TEMPORARY TABLE chargeback_scan_groups ON COMMIT DROP AS
  SELECT grouping(v.snapshot_time) = 1 AS per_vm, v.vcenter_id, v.moref, v.snapshot_time, v.resource_pool_name,
         v.template, count(*)::integer AS vms, sum(v.vcpus) AS vcpus, sum(v.memory_mb) AS memory_mb,
         sum(v.provisioned_disk_gb) AS disk_gb, count(*) FILTER (WHERE v.power_state = 'poweredOn')::integer AS on_samples,
         max(v.snapshot_time) AS last_time
  ${completeRows(allComplete)}
   GROUP BY GROUPING SETS ((v.vcenter_id, v.snapshot_time, v.resource_pool_name, v.template),
                           (v.vcenter_id, v.moref, v.resource_pool_name))`;

/** The names of each pool among the pool names of step 1; $1–$4 the patterns of Tin … Gold. */
export const POOL_NAMES_SQL = `
SELECT coalesce(array_agg(name) FILTER (WHERE pool = 1), '{}') AS tin,
       coalesce(array_agg(name) FILTER (WHERE pool = 2), '{}') AS bronze,
       coalesce(array_agg(name) FILTER (WHERE pool = 3), '{}') AS silver,
       coalesce(array_agg(name) FILTER (WHERE pool = 4), '{}') AS gold
  FROM (SELECT name, ${poolIdSql('name', 1)} AS pool
          FROM (SELECT DISTINCT resource_pool_name AS name FROM chargeback_scan_groups
                 WHERE NOT per_vm AND resource_pool_name IS NOT NULL) names) classified`;

/** Step 2; $1–$4 the names of Tin … Gold. */
export const VM_SAMPLES_SQL = `
CREATE TEMPORARY TABLE chargeback_vm_samples ON COMMIT DROP AS
  SELECT vcenter_id, moref, sum(vms)::integer AS present, sum(vcpus)::bigint AS vcpu_sum,
         sum(memory_mb)::bigint AS memory_mb_sum, sum(disk_gb) AS disk_sum, sum(on_samples)::integer AS on_samples,
         max(last_time) AS last_time,
         coalesce(sum(vms) FILTER (WHERE resource_pool_name = ANY($1::text[])), 0) AS tin_hits,
         coalesce(sum(vms) FILTER (WHERE resource_pool_name = ANY($2::text[])), 0) AS bronze_hits,
         coalesce(sum(vms) FILTER (WHERE resource_pool_name = ANY($3::text[])), 0) AS silver_hits,
         coalesce(sum(vms) FILTER (WHERE resource_pool_name = ANY($4::text[])), 0) AS gold_hits
    FROM chargeback_scan_groups
   WHERE per_vm
   GROUP BY vcenter_id, moref`;

export const DROP_TEMPORARY_SQL =
  'DROP TABLE IF EXISTS chargeback_scan_groups, chargeback_vm_samples, chargeback_month_vms';

/**
 * The columns a daily and a monthly summary row share, in table order, after vcenter_id and the
 * period column (the query API serves the same list).
 */
export const SUMMARY_COLUMN_NAMES: readonly string[] = [
  'moref',
  'name',
  'vm_uuid',
  'instance_uuid',
  'event_key',
  'cloud_id',
  'srm_placeholder',
  'is_template',
  'powered_on',
  'datacenter',
  'cluster',
  'folder',
  'resource_pool',
  'tenant',
  'pool',
  'creation_time',
  'deletion_time',
  'snapshot_time',
  'total_samples',
  'samples_present',
  'avg_is_present',
  'avg_vcpu_count',
  'avg_ram_gb',
  'avg_provisioned_disk',
  'pool_tin_pct',
  'pool_bronze_pct',
  'pool_silver_pct',
  'pool_gold_pct',
  'powered_on_samples',
  'exact_present_hours',
  'powered_on_hours',
  'per_node',
  'price_card',
  'vcpu_hours',
  'ram_gb_hours',
  'disk_gb_months',
  'cost',
];
export const SUMMARY_COLUMNS = SUMMARY_COLUMN_NAMES.join(', ');

/** What the summary takes from a VM's last row `v`: only these, the rows are materialized and joined. */
const LAST_ROW_COLUMNS = `v.vcenter_id, v.moref, v.name, v.uuid, v.instance_uuid, v.power_state = 'poweredOn' AS powered_on,
  v.template, v.srm_placeholder, v.cloud_id, v.creation_event_key, v.datacenter_name, v.cluster_name, v.folder_path,
  v.resource_pool_name, v.vm_created_at`;

/**
 * Step 3: inserts the period's summary rows into `table` with `periodValue` (an SQL expression) as
 * period. Parameters: $1 period start, $2 period end (exclusive), $3 vCenter or null, $4 hours of
 * the calendar month holding the period (disk is priced per GB-month), $5–$8 the names of Tin …
 * Gold, $9 excluded tenant patterns, $10 active-active vCenters, $11 price cards, $12 per-node
 * clusters, and whatever `periodValue` refers to.
 */
export function vmSummarySql(table: string, periodColumn: string, periodValue: string): string {
  return `
WITH cards AS MATERIALIZED (
  SELECT * FROM jsonb_to_recordset($11::jsonb) AS c(name text, scope text, match text, pool smallint, rank integer,
           ord integer, vcpu_hour double precision, ram_gb_hour double precision, disk_gb_month double precision,
           powered_on_only boolean)
),
per_node AS MATERIALIZED (
  SELECT cluster FROM jsonb_to_recordset($12::jsonb) AS n(cluster text)
),
sample_counts AS (
  SELECT vcenter_id, count(*)::integer AS total_samples FROM inventory_snapshot
   WHERE complete AND snapshot_time >= $1 AND snapshot_time < $2 AND ($3::uuid IS NULL OR vcenter_id = $3)
   GROUP BY vcenter_id
),
-- The last complete sample of each vCenter, from the registry (whose statistics tell the planner
-- it is a few rows).
latest AS (
  SELECT vcenter_id, max(snapshot_time) AS last_time FROM inventory_snapshot
   WHERE complete AND snapshot_time >= $1 AND snapshot_time < $2 AND ($3::uuid IS NULL OR vcenter_id = $3)
   GROUP BY vcenter_id
),
-- Each VM's last sample. Most VMs were last seen in their vCenter's last sample: that snapshot's rows
-- lie together (ingest writes a snapshot at once) and are read in one range of the primary key; only
-- the other VMs are looked up one by one. Looking up all 40,000 cost about 1× a bare scan.
-- MATERIALIZED: inlined, the planner turns the range back into a lookup per VM. No sample is later
-- than its vCenter's last complete snapshot (ingest registers each snapshot with its rows); were one,
-- its VM would get two rows here and the insert would fail on the primary key, not write a wrong row.
last_rows AS MATERIALIZED (
  SELECT ${LAST_ROW_COLUMNS} FROM latest t
    JOIN inventory_vm v ON v.vcenter_id = t.vcenter_id AND v.snapshot_time = t.last_time
   WHERE v.snapshot_time >= $1 AND v.snapshot_time < $2
  UNION ALL
  SELECT ${LAST_ROW_COLUMNS} FROM chargeback_vm_samples s
    JOIN latest t ON t.vcenter_id = s.vcenter_id AND s.last_time <> t.last_time
    JOIN inventory_vm v ON v.vcenter_id = s.vcenter_id AND v.snapshot_time = s.last_time AND v.moref = s.moref
   WHERE v.snapshot_time >= $1 AND v.snapshot_time < $2
),
last_seen AS (
  SELECT s.*, v.name, v.uuid, v.instance_uuid, v.powered_on, v.template, v.srm_placeholder, v.cloud_id,
         v.creation_event_key, v.datacenter_name, v.cluster_name, v.folder_path, v.resource_pool_name, v.vm_created_at
    FROM chargeback_vm_samples s
    JOIN last_rows v ON v.vcenter_id = s.vcenter_id AND v.moref = s.moref
),
events AS (
  SELECT vcenter_id, vm_moref AS moref, created_time, event_key, type, vm_name, datacenter_name, cluster_name, fields
    FROM vcenter_event
   WHERE created_time >= $1 AND created_time < $2 AND vm_moref IS NOT NULL
     AND ($3::uuid IS NULL OR vcenter_id = $3)
     AND type IN (${CREATED_EVENTS}, 'VmRemovedEvent', ${POWER_EVENTS}, 'VmReconfiguredEvent', 'VmBeingCreatedEvent')
),
lifecycle AS (
  SELECT vcenter_id, moref,
         min(created_time) FILTER (WHERE type IN (${CREATED_EVENTS})) AS created_at,
         (array_agg(event_key ORDER BY created_time, event_key) FILTER (WHERE type IN (${CREATED_EVENTS})))[1] AS created_key,
         min(created_time) FILTER (WHERE type = 'VmRemovedEvent') AS removed_at,
         min(created_time) FILTER (WHERE type IN (${POWER_EVENTS})) AS first_power_at,
         (array_agg(type ORDER BY created_time, event_key) FILTER (WHERE type IN (${POWER_EVENTS})))[1] AS first_power,
         (array_agg(vm_name ORDER BY created_time DESC, event_key DESC))[1] AS name,
         (array_agg(datacenter_name ORDER BY created_time DESC, event_key DESC))[1] AS datacenter_name,
         (array_agg(cluster_name ORDER BY created_time DESC, event_key DESC))[1] AS cluster_name,
         (array_agg(fields -> 'configSpec' ORDER BY created_time DESC, event_key DESC)
            FILTER (WHERE fields ? 'configSpec'))[1] AS config_spec
    FROM events GROUP BY vcenter_id, moref
),
vms AS (
  SELECT coalesce(l.vcenter_id, e.vcenter_id) AS vcenter_id, coalesce(l.moref, e.moref) AS moref,
         l.moref IS NOT NULL AS sampled, l.present, l.vcpu_sum, l.memory_mb_sum, l.disk_sum, l.on_samples,
         l.last_time, l.tin_hits, l.bronze_hits, l.silver_hits, l.gold_hits,
         coalesce(l.name, e.name) AS name, l.uuid, l.instance_uuid, l.powered_on, l.template, l.srm_placeholder,
         l.cloud_id, coalesce(l.creation_event_key, e.created_key) AS event_key,
         coalesce(l.datacenter_name, e.datacenter_name) AS datacenter_name,
         coalesce(l.cluster_name, e.cluster_name) AS cluster_name, l.folder_path, l.resource_pool_name,
         l.vm_created_at, e.removed_at, e.first_power, e.first_power_at, e.config_spec,
         -- One span of existence per VM: from its creation (event, else vCenter's createDate, else
         -- before the period) to its removal, never ending before the last sample that saw it.
         greatest($1, coalesce(e.created_at, l.vm_created_at, $1)) AS span_start,
         greatest(least($2, coalesce(e.removed_at, $2)), l.last_time) AS span_end
    FROM last_seen l
    FULL JOIN lifecycle e ON e.vcenter_id = l.vcenter_id AND e.moref = l.moref
   WHERE l.moref IS NOT NULL OR e.created_at IS NOT NULL OR e.removed_at IS NOT NULL
),
power_segments AS (
  SELECT vcenter_id, moref, created_time AS from_time, type = 'VmPoweredOnEvent' AS powered_on,
         lead(created_time, 1, $2) OVER (PARTITION BY vcenter_id, moref ORDER BY created_time, event_key) AS to_time
    FROM events WHERE type IN (${POWER_EVENTS})
),
on_hours AS (
  SELECT p.vcenter_id, p.moref, sum(${overlapHours('p.from_time', 'p.to_time', 'v.span_start', 'v.span_end')}) AS hours
    FROM power_segments p JOIN vms v ON v.vcenter_id = p.vcenter_id AND v.moref = p.moref
   WHERE p.powered_on
   GROUP BY p.vcenter_id, p.moref
),
measured AS (
  SELECT v.*, coalesce(c.total_samples, 0) AS total_samples,
         ${tenantSql('v.folder_path')} AS tenant,
         CASE WHEN v.resource_pool_name = ANY($5::text[]) THEN 1 WHEN v.resource_pool_name = ANY($6::text[]) THEN 2
              WHEN v.resource_pool_name = ANY($7::text[]) THEN 3 WHEN v.resource_pool_name = ANY($8::text[]) THEN 4
              ELSE 0 END::smallint AS pool,
         coalesce(v.cluster_name = ANY (SELECT cluster FROM per_node), false)
           AS per_node,
         ${overlapHours('v.span_start', 'v.span_end', '$1', '$2')} AS exact_present_hours,
         -- Before the first power event the VM was in the state that event left; with none, in the
         -- state the samples last saw (off for a VM no sample saw: vCenter creates VMs powered off).
         CASE WHEN CASE v.first_power WHEN 'VmPoweredOnEvent' THEN false WHEN 'VmPoweredOffEvent' THEN true
                             WHEN 'VmSuspendedEvent' THEN true ELSE coalesce(v.powered_on, false) END
                   THEN ${overlapHours('$1', 'coalesce(v.first_power_at, $2)', 'v.span_start', 'v.span_end')} ELSE 0 END
              + coalesce(o.hours, 0) AS powered_on_hours,
         -- What one present sample held; a VM no sample saw has what its configSpec said, if an event gave it.
         CASE WHEN v.sampled THEN v.vcpu_sum::double precision / v.present
              WHEN v.config_spec ->> 'numCPUs' ~ '^[0-9]{1,6}$' THEN (v.config_spec ->> 'numCPUs')::double precision
              ELSE 0 END AS vcpus,
         CASE WHEN v.sampled THEN v.memory_mb_sum::double precision / v.present / 1024
              WHEN v.config_spec ->> 'memoryMB' ~ '^[0-9]{1,9}$' THEN (v.config_spec ->> 'memoryMB')::double precision / 1024
              ELSE 0 END AS ram_gb,
         CASE WHEN v.sampled THEN v.disk_sum / v.present ELSE 0 END AS disk_gb
    FROM vms v
    LEFT JOIN sample_counts c ON c.vcenter_id = v.vcenter_id
    LEFT JOIN on_hours o ON o.vcenter_id = v.vcenter_id AND o.moref = v.moref
),
kept AS (
  SELECT m.*, vc.name AS vcenter_name
    FROM measured m LEFT JOIN vcenter vc ON vc.id = m.vcenter_id
   WHERE NOT ${excludedSql('m.tenant', 'm.srm_placeholder', 'm.vcenter_id', 'vc.name', 9)}
),
priced AS (
  SELECT k.*, card.name AS card_name, card.vcpu_hour, card.ram_gb_hour, card.disk_gb_month,
         ${r6(`k.vcpus * CASE WHEN card.powered_on_only THEN k.powered_on_hours ELSE k.exact_present_hours END`)} AS vcpu_hours,
         ${r6(`k.ram_gb * CASE WHEN card.powered_on_only THEN k.powered_on_hours ELSE k.exact_present_hours END`)} AS ram_gb_hours,
         ${r6('k.disk_gb * k.exact_present_hours / $4')} AS disk_gb_months
    FROM kept k
    LEFT JOIN LATERAL (
      SELECT * FROM cards c
       WHERE NOT coalesce(k.template, false) AND NOT k.per_node
         AND (c.scope = 'all'
              OR (c.scope = 'vcenter' AND (c.match = k.vcenter_id::text OR c.match = lower(k.vcenter_name)))
              OR (c.scope = 'cluster' AND c.match = k.cluster_name)
              OR (c.scope = 'pool' AND c.pool = k.pool))
       ORDER BY c.rank DESC, c.ord
       LIMIT 1
    ) card ON true
),
inserted AS (
  INSERT INTO ${table} (vcenter_id, ${periodColumn}, ${SUMMARY_COLUMNS})
  SELECT vcenter_id, ${periodValue}, moref, coalesce(name, moref), uuid, instance_uuid, event_key, cloud_id,
         coalesce(srm_placeholder, false), coalesce(template, false), coalesce(powered_on, false),
         datacenter_name, cluster_name, folder_path, resource_pool_name, tenant, pool,
         vm_created_at, removed_at, last_time, total_samples, coalesce(present, 0),
         ${r6('coalesce(present, 0)::double precision / nullif(total_samples, 0)')},
         ${r6('coalesce(vcpu_sum, 0)::double precision / nullif(total_samples, 0)')},
         ${r6('coalesce(memory_mb_sum, 0)::double precision / 1024 / nullif(total_samples, 0)')},
         ${r6('coalesce(disk_sum, 0) / nullif(total_samples, 0)')},
         ${r6('100 * tin_hits::double precision / nullif(present, 0)')}, ${r6('100 * bronze_hits::double precision / nullif(present, 0)')},
         ${r6('100 * silver_hits::double precision / nullif(present, 0)')}, ${r6('100 * gold_hits::double precision / nullif(present, 0)')},
         coalesce(on_samples, 0), ${r6('exact_present_hours')}, ${r6('powered_on_hours')}, per_node, card_name,
         vcpu_hours, ram_gb_hours, disk_gb_months,
         coalesce(round((vcpu_hours * vcpu_hour + ram_gb_hours * ram_gb_hour + disk_gb_months * disk_gb_month)::numeric, 4), 0)
    FROM priced
  RETURNING 1
)
SELECT count(*)::integer AS rows FROM inserted`;
}
