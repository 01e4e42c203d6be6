import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SqlRunner } from '@vcc/database';
import type { Job, JobRequest, JobState, JobType } from './job';

/** The first key of the session advisory lock each aggregator process holds on its owner number. */
export const JOB_OWNER_LOCK_CLASS = 736_645_302;

const NO_VCENTER = `'00000000-0000-0000-0000-000000000000'::uuid`;

const COLUMNS = `id::text AS id, type, period, vcenter_id AS "vcenterId", state, requested_by AS "requestedBy",
  rows::float8 AS rows, error, created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"`;

/** A day or month, as the catch-up and backfill queries return them. */
interface PeriodRow {
  period: string;
}

/** The aggregation_job table. */
/**
 * True for a row whose owner (the job runner's owner number in `owner`) no longer holds its owner
 * lock in this database: its process died. $1 is JOB_OWNER_LOCK_CLASS.
 */
export const ownerLockGone = (owner: string): string => `NOT EXISTS (
            SELECT 1 FROM pg_locks
             WHERE locktype = 'advisory' AND granted
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND classid = $1::bigint::oid AND objid = ${owner}::bigint::oid AND objsubid = 2)`;

@Injectable()
export class JobRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Queues a job, or returns the one already waiting for the same type, period and vCenter: at
   * most one waits, however many replicas and requests ask at once.
   */
  async enqueue(request: JobRequest): Promise<Job> {
    const rows: Job[] = await this.dataSource.query(
      `INSERT INTO aggregation_job (type, period, vcenter_id, requested_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (type, period, coalesce(vcenter_id, ${NO_VCENTER})) WHERE state = 'queued'
       DO UPDATE SET state = aggregation_job.state
       RETURNING ${COLUMNS}`,
      [request.type, request.period, request.vcenterId ?? null, request.requestedBy],
    );
    return rows[0];
  }

  /**
   * Records a job that this process runs itself rather than through the queue (a backfill, which
   * queues the jobs it is made of), as running under `owner`.
   */
  async insertRunning(request: JobRequest, owner: number): Promise<Job> {
    const rows: Job[] = await this.dataSource.query(
      `INSERT INTO aggregation_job (type, period, vcenter_id, requested_by, state, owner, started_at)
       VALUES ($1, $2, $3, $4, 'running', $5, clock_timestamp())
       RETURNING ${COLUMNS}`,
      [request.type, request.period, request.vcenterId ?? null, request.requestedBy, owner],
    );
    return rows[0];
  }

  /** Jobs newest first, of one type and state when given; one more than `limit` (see page()). */
  list(filter: { type?: JobType; state?: JobState }, limit: number, offset: number): Promise<Job[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM aggregation_job
        WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR state = $2)
        ORDER BY id DESC LIMIT $3 OFFSET $4`,
      [filter.type ?? null, filter.state ?? null, limit + 1, offset],
    );
  }

  async find(id: string): Promise<Job | undefined> {
    const rows: Job[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM aggregation_job WHERE id = $1`, [
      id,
    ]);
    return rows[0];
  }

  /**
   * Takes the oldest queued job for `owner`. A monthly job waits while a daily job of its month
   * is queued or running, so that it sums finished days.
   */
  async claimNext(owner: number, ids?: string[]): Promise<Job | undefined> {
    const rows: Job[] = await this.dataSource.query(
      `UPDATE aggregation_job SET state = 'running', owner = $1
        WHERE id = (
          SELECT id FROM aggregation_job job
           WHERE state = 'queued' AND type <> 'backfill'
             AND ($2::bigint[] IS NULL OR id = ANY($2))
             AND NOT (type = 'monthly' AND EXISTS (
               SELECT 1 FROM aggregation_job day
                WHERE day.type = 'daily' AND day.state IN ('queued', 'running')
                  AND left(day.period, 7) = job.period
                  AND (day.vcenter_id IS NULL OR job.vcenter_id IS NULL OR day.vcenter_id = job.vcenter_id)))
           ORDER BY id
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}`,
      [owner, ids ?? null],
    );
    // TypeORM returns [rows, count] for UPDATE ... RETURNING.
    return (rows as unknown as [Job[], number])[0][0];
  }

  /** Records that the job got its locks; committed at once, outside the job's transaction. */
  async markStarted(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE aggregation_job SET started_at = clock_timestamp() WHERE id = $1`, [
      id,
    ]);
  }

  /** A job run from the queue passes its transaction, so that its outcome commits with its rows. */
  async markSucceeded(id: string, rows: number, tx: SqlRunner = this.dataSource): Promise<void> {
    await tx.query(
      `UPDATE aggregation_job SET state = 'succeeded', rows = $2, error = NULL, finished_at = clock_timestamp()
        WHERE id = $1`,
      [id, rows],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE aggregation_job SET state = 'failed', error = $2, finished_at = clock_timestamp() WHERE id = $1`,
      [id, error],
    );
  }

  /** A new owner number for this process; it then holds the owner lock on it while it lives. */
  async nextOwner(): Promise<number> {
    const rows: { owner: number }[] = await this.dataSource.query(
      `SELECT nextval('aggregation_job_owner_seq')::int AS owner`,
    );
    return rows[0].owner;
  }

  /**
   * Marks failed the running jobs whose process is gone (it no longer holds its owner lock): it was
   * killed, and its transaction rolled back with it. Returns them.
   */
  async failOrphans(): Promise<Job[]> {
    const rows = (await this.dataSource.query(
      `UPDATE aggregation_job job
          SET state = 'failed', finished_at = clock_timestamp(),
              error = 'interrupted: the aggregator running it stopped before it finished; nothing it wrote was kept'
        WHERE state = 'running'
          AND ${ownerLockGone('job.owner')}
        RETURNING ${COLUMNS}`,
      [JOB_OWNER_LOCK_CLASS],
    )) as [Job[], number];
    return rows[0];
  }

  /**
   * Days before today (in `timeZone`) with complete snapshots of some vCenter that no successful
   * daily job covered since the last shard of them arrived (a retried shard may change rows of a
   * snapshot already complete), oldest first.
   */
  async staleDays(timeZone: string): Promise<string[]> {
    const rows: PeriodRow[] = await this.dataSource.query(
      `SELECT DISTINCT to_char(snap.day, 'YYYY-MM-DD') AS period
         FROM (SELECT vcenter_id, (snapshot_time AT TIME ZONE $1)::date AS day,
                      max(last_received_at) AS received
                 FROM inventory_snapshot WHERE complete
                GROUP BY 1, 2) snap
        WHERE snap.day < (now() AT TIME ZONE $1)::date
          AND NOT EXISTS (
            SELECT 1 FROM aggregation_job job
             WHERE job.type = 'daily' AND job.state = 'succeeded' AND job.period = to_char(snap.day, 'YYYY-MM-DD')
               AND (job.vcenter_id IS NULL OR job.vcenter_id = snap.vcenter_id)
               AND job.finished_at >= snap.received)
        ORDER BY 1`,
      [timeZone],
    );
    return rows.map((row) => row.period);
  }

  /**
   * Months before the current one (in `timeZone`) with a daily job, queued or done, newer than
   * their last successful monthly job, oldest first.
   */
  async staleMonths(timeZone: string): Promise<string[]> {
    const rows: PeriodRow[] = await this.dataSource.query(
      `SELECT day.month AS period
         FROM (SELECT left(period, 7) AS month, max(coalesce(finished_at, 'infinity')) AS done
                 FROM aggregation_job
                WHERE type = 'daily' AND state <> 'failed'
                GROUP BY 1) day
        WHERE day.month < to_char(now() AT TIME ZONE $1, 'YYYY-MM')
          AND NOT EXISTS (
            SELECT 1 FROM aggregation_job job
             WHERE job.type = 'monthly' AND job.state = 'succeeded' AND job.vcenter_id IS NULL
               AND job.period = day.month AND job.finished_at >= day.done)
        ORDER BY 1`,
      [timeZone],
    );
    return rows.map((row) => row.period);
  }

  /** Days with complete snapshots, oldest first (for backfill). */
  async daysWithSnapshots(timeZone: string): Promise<string[]> {
    const rows: PeriodRow[] = await this.dataSource.query(
      `SELECT DISTINCT to_char((snapshot_time AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS period
         FROM inventory_snapshot
        WHERE complete AND (snapshot_time AT TIME ZONE $1)::date < (now() AT TIME ZONE $1)::date
        ORDER BY 1`,
      [timeZone],
    );
    return rows.map((row) => row.period);
  }
}
