import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Counter, Gauge, Histogram } from 'prom-client';
import { JOB_TYPES, type JobType } from '../jobs/job';
import { ReportStore } from '../reports/report-store';

/**
 * The aggregator's Prometheus metrics, in prom-client's default registry (served at /metrics).
 * What the database knows (snapshots, last successes) is read from it at scrape time, so every
 * replica reports the same and a restart forgets nothing; counters count this process's jobs.
 */
@Injectable()
export class AggregatorMetrics {
  private readonly logger = new Logger('Metrics');

  readonly jobs = new Counter({
    name: 'vcc_aggregator_jobs_total',
    help: 'jobs this process ran to an end, by type (daily, monthly, retention, backfill)',
    labelNames: ['type'],
  });

  readonly jobsFailed = new Counter({
    name: 'vcc_aggregator_jobs_failed_total',
    help: 'jobs this process ran that failed, by type',
    labelNames: ['type'],
  });

  readonly jobDuration = new Histogram({
    name: 'vcc_aggregator_job_duration_seconds',
    help: 'seconds from a job getting its lock to its commit or failure, by type',
    labelNames: ['type'],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
  });

  readonly rowsWritten = new Counter({
    name: 'vcc_aggregator_rows_written_total',
    help: 'summary rows written by successful daily and monthly jobs (one per VM and period), by type',
    labelNames: ['type'],
  });

  constructor(dataSource: DataSource, reports: ReportStore) {
    // Every series from the start, so that rate() and alerts see a 0 rather than nothing.
    for (const type of JOB_TYPES) {
      this.jobs.inc({ type }, 0);
      this.jobsFailed.inc({ type }, 0);
      if (type === 'daily' || type === 'monthly') this.rowsWritten.inc({ type }, 0);
    }
    const logger = this.logger;
    new Gauge({
      name: 'vcc_aggregator_reports_available',
      help: 'XLSX chargeback reports in reports.dir, available for download',
      async collect() {
        try {
          this.set(await reports.count());
        } catch (error) {
          logger.warn(`cannot count reports: ${(error as Error).message}`);
        }
      },
    });
    new Gauge({
      name: 'vcc_aggregator_snapshots',
      help: 'hourly inventory snapshots in the database, by state (complete: every group of one epoch reported; only those count as samples)',
      labelNames: ['state'],
      async collect() {
        try {
          const rows: { complete: boolean; count: number }[] = await dataSource.query(
            'SELECT complete, count(*)::int AS count FROM inventory_snapshot GROUP BY complete',
          );
          this.reset();
          this.set({ state: 'complete' }, 0);
          this.set({ state: 'incomplete' }, 0);
          for (const row of rows) this.set({ state: row.complete ? 'complete' : 'incomplete' }, row.count);
        } catch (error) {
          logger.warn(`cannot count snapshots: ${(error as Error).message}`);
        }
      },
    });
    new Gauge({
      name: 'vcc_aggregator_last_success_timestamp_seconds',
      help: 'when the last successful job of each type finished (Unix seconds), by any replica',
      labelNames: ['type'],
      async collect() {
        try {
          const rows: { type: JobType; finished: number }[] = await dataSource.query(
            `SELECT type, extract(epoch FROM max(finished_at))::float8 AS finished
               FROM aggregation_job WHERE state = 'succeeded' GROUP BY type`,
          );
          this.reset();
          for (const row of rows) this.set({ type: row.type }, row.finished);
        } catch (error) {
          logger.warn(`cannot read the last successful jobs: ${(error as Error).message}`);
        }
      },
    });
  }

  /** Records the end of a job this process ran. */
  jobEnded(type: JobType, seconds: number, outcome: { rows: number } | 'failed'): void {
    this.jobs.inc({ type });
    this.jobDuration.observe({ type }, seconds);
    if (outcome === 'failed') this.jobsFailed.inc({ type });
    else if (type === 'daily' || type === 'monthly') this.rowsWritten.inc({ type }, outcome.rows);
  }
}
