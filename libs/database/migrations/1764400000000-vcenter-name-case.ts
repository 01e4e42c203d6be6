import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * vCenter names are unique regardless of case: `evtest` and `EVTEST` would be one vCenter to a
 * person reading a dashboard, and collectors name vCenters by name too. Fails on a database that
 * holds two such names already; rename one (PATCH) before upgrading.
 */
export class VcenterNameCase1764400000000 implements MigrationInterface {
  name = 'VcenterNameCase1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE UNIQUE INDEX vcenter_name_lower ON vcenter (lower(name))');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX vcenter_name_lower');
  }
}
