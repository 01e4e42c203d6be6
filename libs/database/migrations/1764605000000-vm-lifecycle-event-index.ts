import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The controller fills a snapshot row's creation event key and deletion time from the events of
 * its moref; without an index that is a scan of every event of the vCenter per shard. Partial: only
 * the creating and removing events (libs/contract VM_CREATION_EVENTS, VM_REMOVED_EVENT), a small
 * share of all events.
 */
export class VmLifecycleEventIndex1764605000000 implements MigrationInterface {
  name = 'VmLifecycleEventIndex1764605000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX vcenter_event_vm_lifecycle ON vcenter_event (vcenter_id, vm_moref)
        WHERE type IN ('VmCreatedEvent', 'VmClonedEvent', 'VmDeployedEvent', 'VmRegisteredEvent', 'VmRemovedEvent')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX vcenter_event_vm_lifecycle');
  }
}
