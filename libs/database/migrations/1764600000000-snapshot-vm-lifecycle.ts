import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What chargeback needs of a VM beyond its configuration, as vCTP's snapshot rows carry it: the key
 * of the event that created it, when it was deleted, whether Site Recovery Manager holds it as a
 * placeholder (not a running workload) and the vCloud Director id when vCD manages it.
 */
export class SnapshotVmLifecycle1764600000000 implements MigrationInterface {
  name = 'SnapshotVmLifecycle1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE inventory_vm
        ADD COLUMN creation_event_key integer,
        ADD COLUMN deletion_time timestamptz,
        ADD COLUMN srm_placeholder boolean NOT NULL DEFAULT false,
        ADD COLUMN cloud_id text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE inventory_vm
        DROP COLUMN cloud_id,
        DROP COLUMN srm_placeholder,
        DROP COLUMN deletion_time,
        DROP COLUMN creation_event_key`);
  }
}
