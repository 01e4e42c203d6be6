import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chargeback summaries (vCTP's Daily/Monthly summary, names in snake_case; README "Chargeback" maps
 * them), per-cluster capacity, and the per-vCenter totals caches. Pools are smallint ids (1 Tin,
 * 2 Bronze, 3 Silver, 4 Gold, 0 none) so that nothing matches text per row when reading them.
 * Daily rows are partitioned by month of the day; the aggregator creates the partitions it needs.
 * Totals are averages over the period's complete samples (`samples` of them); an hour has no cost
 * (cost accrues by the day). No foreign key to vcenter: history outlives a catalogue entry.
 */
export class Chargeback1764610000000 implements MigrationInterface {
  name = 'Chargeback1764610000000';

  async up(db: QueryRunner): Promise<void> {
    // The columns both summaries share, after their period column.
    const summaryColumns = `
        moref text NOT NULL,
        name text NOT NULL,
        vm_uuid text,
        instance_uuid text,
        event_key integer,
        cloud_id text,
        srm_placeholder boolean NOT NULL,
        is_template boolean NOT NULL,
        powered_on boolean NOT NULL,
        datacenter text,
        cluster text,
        folder text,
        resource_pool text,
        tenant text,
        pool smallint NOT NULL,
        creation_time timestamptz,
        deletion_time timestamptz,
        snapshot_time timestamptz,
        total_samples integer NOT NULL,
        samples_present integer NOT NULL,
        avg_is_present double precision NOT NULL,
        avg_vcpu_count double precision NOT NULL,
        avg_ram_gb double precision NOT NULL,
        avg_provisioned_disk double precision NOT NULL,
        pool_tin_pct double precision NOT NULL,
        pool_bronze_pct double precision NOT NULL,
        pool_silver_pct double precision NOT NULL,
        pool_gold_pct double precision NOT NULL,
        powered_on_samples integer NOT NULL,
        exact_present_hours double precision NOT NULL,
        powered_on_hours double precision NOT NULL,
        per_node boolean NOT NULL,
        price_card text,
        vcpu_hours double precision NOT NULL,
        ram_gb_hours double precision NOT NULL,
        disk_gb_months double precision NOT NULL,
        cost numeric(18, 4) NOT NULL`;
    await db.query(`
      CREATE TABLE chargeback_daily (
        vcenter_id uuid NOT NULL,
        day date NOT NULL,
        ${summaryColumns},
        PRIMARY KEY (vcenter_id, day, moref)
      ) PARTITION BY RANGE (day)`);
    await db.query(`
      CREATE TABLE chargeback_monthly (
        vcenter_id uuid NOT NULL,
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        ${summaryColumns},
        PRIMARY KEY (vcenter_id, month, moref)
      )`);
    await db.query(`
      CREATE TABLE chargeback_cluster_daily (
        vcenter_id uuid NOT NULL,
        day date NOT NULL,
        cluster text NOT NULL,
        host_count double precision NOT NULL,
        host_hours double precision NOT NULL,
        cpu_cores double precision NOT NULL,
        memory_gb double precision NOT NULL,
        allocated_vcpu double precision NOT NULL,
        allocated_ram_gb double precision NOT NULL,
        idle_vcpu double precision NOT NULL,
        idle_ram_gb double precision NOT NULL,
        per_node boolean NOT NULL,
        cost numeric(18, 4) NOT NULL,
        PRIMARY KEY (vcenter_id, day, cluster)
      )`);
    await db.query(`
      CREATE TABLE chargeback_totals (
        kind text NOT NULL CHECK (kind IN ('hourly', 'daily', 'monthly')),
        vcenter_id uuid NOT NULL,
        period_start timestamptz NOT NULL,
        samples integer NOT NULL,
        vms double precision NOT NULL,
        vcpus double precision NOT NULL,
        ram_gb double precision NOT NULL,
        disk_gb double precision NOT NULL,
        tin double precision NOT NULL,
        bronze double precision NOT NULL,
        silver double precision NOT NULL,
        gold double precision NOT NULL,
        templates double precision NOT NULL,
        cost numeric(18, 4),
        PRIMARY KEY (kind, vcenter_id, period_start)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      'DROP TABLE chargeback_totals, chargeback_cluster_daily, chargeback_monthly, chargeback_daily',
    );
  }
}
