import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * vCenter events as collectors tail them, partitioned by month of the event. A unique index of a
 * partitioned table must hold the partition key, so the key is (vCenter, created time, event key)
 * and ingest also skips keys already stored in any month (the second index).
 */
export class VcenterEvents1764100000002 implements MigrationInterface {
  name = 'VcenterEvents1764100000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE vcenter_event (
        vcenter_id uuid NOT NULL,
        event_key integer NOT NULL,
        chain_id integer NOT NULL,
        type text NOT NULL,
        created_time timestamptz NOT NULL,
        user_name text,
        full_message text,
        datacenter_moref text,
        datacenter_name text,
        cluster_moref text,
        cluster_name text,
        host_moref text,
        host_name text,
        vm_moref text,
        vm_name text,
        fields jsonb NOT NULL DEFAULT '{}',
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (vcenter_id, created_time, event_key)
      ) PARTITION BY RANGE (created_time)`);
    await db.query('CREATE INDEX vcenter_event_key ON vcenter_event (vcenter_id, event_key)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE vcenter_event');
  }
}
