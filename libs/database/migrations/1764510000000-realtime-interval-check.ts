import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The realtime interval's rule (a whole number of realtime samples) moves out of the database: the
 * sample interval is vCenter's 20 s in production but shorter under the e2e tests' time scale
 * (VCC_TEST_TIME_SCALE), which PostgreSQL cannot know. The controller checks the rule on every
 * write, from the config file and the API alike; the database keeps the positive bound.
 */
export class RealtimeIntervalCheck1764510000000 implements MigrationInterface {
  name = 'RealtimeIntervalCheck1764510000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE vcenter
        DROP CONSTRAINT vcenter_realtime_interval_seconds_check,
        ADD CONSTRAINT vcenter_realtime_interval_seconds_check CHECK (realtime_interval_seconds > 0)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE vcenter
        DROP CONSTRAINT vcenter_realtime_interval_seconds_check,
        ADD CONSTRAINT vcenter_realtime_interval_seconds_check
          CHECK (realtime_interval_seconds > 0 AND realtime_interval_seconds % 20 = 0)`);
  }
}
