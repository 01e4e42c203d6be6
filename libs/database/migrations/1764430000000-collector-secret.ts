import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Collector identity and credential versions. A collector proves its id with the secret it got at
 * registration; only its hash is stored. Registrations from before this migration have none and
 * must register again (their collectors expect passwords in heartbeats and must be upgraded anyway).
 * Heartbeats carry a vCenter's credential version instead of its password.
 */
export class CollectorSecret1764430000000 implements MigrationInterface {
  name = 'CollectorSecret1764430000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE collector ADD COLUMN secret_hash text');
    await db.query('ALTER TABLE vcenter ADD COLUMN credential_version integer NOT NULL DEFAULT 1');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE vcenter DROP COLUMN credential_version');
    await db.query('ALTER TABLE collector DROP COLUMN secret_hash');
  }
}
