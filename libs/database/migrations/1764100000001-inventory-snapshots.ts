import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hourly inventory snapshots, posted by collectors one shard (group index) at a time. Row tables are
 * partitioned by month of the snapshot; the registry and its shards stay small and unpartitioned.
 * No foreign key to vcenter: history outlives a catalogue entry.
 */
export class InventorySnapshots1764100000001 implements MigrationInterface {
  name = 'InventorySnapshots1764100000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE inventory_snapshot (
        vcenter_id uuid NOT NULL,
        snapshot_time timestamptz NOT NULL,
        complete boolean NOT NULL DEFAULT false,
        complete_epoch integer,
        group_count integer,
        vm_count integer NOT NULL DEFAULT 0,
        host_count integer NOT NULL DEFAULT 0,
        first_received_at timestamptz NOT NULL DEFAULT now(),
        last_received_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (vcenter_id, snapshot_time)
      )`);
    await db.query(`
      CREATE TABLE inventory_snapshot_shard (
        vcenter_id uuid NOT NULL,
        snapshot_time timestamptz NOT NULL,
        epoch integer NOT NULL,
        group_index integer NOT NULL,
        group_count integer NOT NULL CHECK (group_index >= 0 AND group_index < group_count),
        vm_count integer NOT NULL,
        host_count integer NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (vcenter_id, snapshot_time, epoch, group_index),
        FOREIGN KEY (vcenter_id, snapshot_time) REFERENCES inventory_snapshot ON DELETE CASCADE
      )`);
    await db.query(`
      CREATE TABLE inventory_vm (
        vcenter_id uuid NOT NULL,
        snapshot_time timestamptz NOT NULL,
        moref text NOT NULL,
        name text NOT NULL,
        uuid text,
        instance_uuid text,
        power_state text NOT NULL,
        template boolean NOT NULL,
        vcpus integer NOT NULL,
        memory_mb integer NOT NULL,
        provisioned_disk_gb double precision NOT NULL,
        host_moref text,
        host_name text,
        cluster_name text,
        datacenter_name text,
        resource_pool_name text,
        folder_path text NOT NULL,
        vm_created_at timestamptz,
        guest_os text,
        epoch integer NOT NULL,
        group_index integer NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (vcenter_id, snapshot_time, moref)
      ) PARTITION BY RANGE (snapshot_time)`);
    await db.query(`
      CREATE TABLE inventory_host (
        vcenter_id uuid NOT NULL,
        snapshot_time timestamptz NOT NULL,
        moref text NOT NULL,
        name text NOT NULL,
        cluster_name text,
        datacenter_name text,
        cpu_cores integer NOT NULL,
        cpu_sockets integer NOT NULL,
        cpu_mhz integer NOT NULL,
        memory_mb integer NOT NULL,
        connection_state text NOT NULL,
        power_state text NOT NULL,
        in_maintenance boolean NOT NULL,
        epoch integer NOT NULL,
        group_index integer NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (vcenter_id, snapshot_time, moref)
      ) PARTITION BY RANGE (snapshot_time)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE inventory_host, inventory_vm, inventory_snapshot_shard, inventory_snapshot');
  }
}
