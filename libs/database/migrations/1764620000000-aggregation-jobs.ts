import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The aggregator's jobs: what was asked (type, period, vCenter), by whom, and how it went. A job is
 * claimed by one process (owner: the key of the session advisory lock that process holds while it
 * lives, so a replica can tell a job whose process died from one still running). At most one job
 * per (type, period, vCenter) waits in the queue: asking again returns the waiting one.
 */
export class AggregationJobs1764620000000 implements MigrationInterface {
  name = 'AggregationJobs1764620000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SEQUENCE aggregation_job_owner_seq AS integer CYCLE`);
    await db.query(`
      CREATE TABLE aggregation_job (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        type text NOT NULL CHECK (type IN ('daily', 'monthly', 'retention', 'backfill')),
        period text NOT NULL CHECK (
          (type = 'daily' AND period ~ '^\\d{4}-\\d{2}-\\d{2}$') OR
          (type = 'monthly' AND period ~ '^\\d{4}-\\d{2}$') OR
          type IN ('retention', 'backfill')),
        vcenter_id uuid,
        state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
        requested_by text NOT NULL,
        owner integer,
        rows bigint,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await db.query(`
      CREATE UNIQUE INDEX aggregation_job_queued ON aggregation_job
        (type, period, coalesce(vcenter_id, '00000000-0000-0000-0000-000000000000'::uuid))
        WHERE state = 'queued'`);
    await db.query(
      `CREATE INDEX aggregation_job_open ON aggregation_job (id) WHERE state IN ('queued', 'running')`,
    );
    await db.query(`CREATE INDEX aggregation_job_period ON aggregation_job (type, period, finished_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE aggregation_job');
    await db.query('DROP SEQUENCE aggregation_job_owner_seq');
  }
}
