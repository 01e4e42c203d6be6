import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The random id a collector process draws at start. Two hosts cloned with the same name differ in
 * it, so a registration under a live name can tell a restart of the holder from a second process.
 */
export class CollectorInstance1764390000000 implements MigrationInterface {
  name = 'CollectorInstance1764390000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE collector ADD COLUMN instance_id text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE collector DROP COLUMN instance_id`);
  }
}
