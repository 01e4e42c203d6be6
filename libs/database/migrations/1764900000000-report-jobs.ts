import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Report jobs: an XLSX chargeback report of a day (period YYYY-MM-DD) or a month (YYYY-MM), queued
 * after each daily and monthly job and on demand, run by the same runner as the aggregations.
 */
export class ReportJobs1764900000000 implements MigrationInterface {
  name = 'ReportJobs1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE aggregation_job
        DROP CONSTRAINT aggregation_job_type_check,
        DROP CONSTRAINT aggregation_job_check,
        ADD CONSTRAINT aggregation_job_type_check CHECK (type IN ('daily', 'monthly', 'retention', 'backfill', 'report')),
        ADD CONSTRAINT aggregation_job_check CHECK (
          (type = 'daily' AND period ~ '^\\d{4}-\\d{2}-\\d{2}$') OR
          (type = 'monthly' AND period ~ '^\\d{4}-\\d{2}$') OR
          (type = 'report' AND period ~ '^\\d{4}-\\d{2}(-\\d{2})?$') OR
          type IN ('retention', 'backfill'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM aggregation_job WHERE type = 'report'`);
    await db.query(`
      ALTER TABLE aggregation_job
        DROP CONSTRAINT aggregation_job_type_check,
        DROP CONSTRAINT aggregation_job_check,
        ADD CONSTRAINT aggregation_job_type_check CHECK (type IN ('daily', 'monthly', 'retention', 'backfill')),
        ADD CONSTRAINT aggregation_job_check CHECK (
          (type = 'daily' AND period ~ '^\\d{4}-\\d{2}-\\d{2}$') OR
          (type = 'monthly' AND period ~ '^\\d{4}-\\d{2}$') OR
          type IN ('retention', 'backfill'))`);
  }
}
