import { createMonthlyPartition, monthlyPartition, type SqlRunner } from '@vcc/database';

/**
 * Replaces the ESXi rows of node_daily_summary for `day` (YYYY-MM-DD in `timeZone`): each host of a
 * complete hourly snapshot is a node of type esxi (identified by its moref, named as last seen)
 * in a cluster that is its vCenter, present one hour per snapshot it appears in, with the core
 * count of those snapshots. Set-based, in the caller's transaction (the daily job's). Returns the
 * rows written.
 */
export async function summarizeEsxiDay(
  db: SqlRunner,
  timeZone: string,
  day: string,
  vcenterId?: string,
): Promise<number> {
  const vcenter = vcenterId ?? null;
  const table = 'node_daily_summary';
  await createMonthlyPartition(db, table, monthlyPartition(table, new Date(`${day}T00:00:00Z`)));
  await db.query(
    `DELETE FROM node_daily_summary d USING node n, node_cluster c
      WHERE n.id = d.node_id AND c.id = n.cluster_id AND c.source = 'vcenter' AND d.date = $1::date
        AND ($2::uuid IS NULL OR c.id = $2::text)`,
    [day, vcenter],
  );
  await db.query(
    `CREATE TEMP TABLE esxi_host_day ON COMMIT DROP AS
     SELECT vcenter_id, moref, name, cpu_cores, count(*)::int AS hours
       FROM (SELECT h.vcenter_id, h.moref, h.cpu_cores,
                    first_value(h.name) OVER (PARTITION BY h.vcenter_id, h.moref ORDER BY h.snapshot_time DESC) AS name
               FROM inventory_host h
               JOIN inventory_snapshot s ON s.vcenter_id = h.vcenter_id AND s.snapshot_time = h.snapshot_time
              WHERE s.complete
                AND h.snapshot_time >= ($1::date::timestamp AT TIME ZONE $3)
                AND h.snapshot_time < (($1::date + 1)::timestamp AT TIME ZONE $3)
                AND ($2::uuid IS NULL OR h.vcenter_id = $2)) h
      GROUP BY 1, 2, 3, 4`,
    [day, vcenter, timeZone],
  );
  await db.query(
    `INSERT INTO node_cluster (id, name, source)
     SELECT DISTINCT h.vcenter_id::text, coalesce(v.name, h.vcenter_id::text), 'vcenter'
       FROM esxi_host_day h LEFT JOIN vcenter v ON v.id = h.vcenter_id
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`,
  );
  await db.query(
    `INSERT INTO node (cluster_id, name, node_type, resource_id)
     SELECT DISTINCT vcenter_id::text, name, 'esxi', moref FROM esxi_host_day
     ON CONFLICT (cluster_id, name) DO UPDATE SET node_type = EXCLUDED.node_type, resource_id = EXCLUDED.resource_id`,
  );
  const [{ rows }] = (await db.query(
    `WITH inserted AS (
       INSERT INTO node_daily_summary (node_id, date, core_count, total_hours)
       SELECT n.id, $1::date, h.cpu_cores, sum(h.hours)
         FROM esxi_host_day h JOIN node n ON n.cluster_id = h.vcenter_id::text AND n.name = h.name
        GROUP BY n.id, h.cpu_cores
       RETURNING 1)
     SELECT count(*)::int AS rows FROM inserted`,
    [day],
  )) as { rows: number }[];
  return rows;
}
