import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { AggregatorConfig } from '@vcc/config';
import { aggregateDay, aggregateMonth } from '../chargeback';
import { summarizeEsxiDay } from '../nodes/esxi-summary';
import { AggregatorMetrics } from '../observability/aggregator.metrics';
import { ReportWriter } from '../reports/report-writer';
import { RetentionRepository } from '../retention/retention.repository';
import { retentionCuts } from '../retention/retention';
import { currentDay, describeJob, jobLocks, type Job } from './job';
import { JOB_OWNER_LOCK_CLASS, JobRepository } from './job.repository';

/**
 * How often an idle runner looks for queued jobs and for jobs whose process died. New jobs of this
 * process start at once (kick); this only bounds how long a job queued through another replica, or
 * orphaned by one, waits when that replica cannot run it.
 */
const POLL_MS = 5000;

/**
 * Runs queued jobs one at a time, in this process, each in one transaction that holds the job's
 * advisory locks (see jobLocks): across the aggregator's replicas no job runs twice at once, and a
 * job that dies leaves nothing behind, since its rows and its success commit together. The process
 * holds a session advisory lock on its owner number while it lives, so that the others can tell
 * its running jobs from orphans.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private ownerLock?: QueryRunner;
  /** This process's owner number, under which it claims jobs. */
  owner = 0;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private kickedWhileDraining = false;
  private stopped = false;
  /**
   * Runs the drain in the context the runner was made in, not in that of the request that kicked
   * it: otherwise every job it runs would be logged under that request's id.
   */
  private readonly detached = AsyncResource.bind((work: () => Promise<void>) => work());

  constructor(
    private readonly config: AggregatorConfig,
    private readonly dataSource: DataSource,
    private readonly jobs: JobRepository,
    private readonly retention: RetentionRepository,
    private readonly metrics: AggregatorMetrics,
    private readonly reports: ReportWriter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  // Before the database module closes its connections at shutdown, so the job in progress can end.
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.stop();
  }

  /** Takes an owner number and its lock, and fails the jobs of processes that died. */
  async start(): Promise<void> {
    await this.takeOwnerLock();
    await this.failOrphans();
  }

  private async takeOwnerLock(): Promise<void> {
    this.owner = await this.jobs.nextOwner();
    this.ownerLock = this.dataSource.createQueryRunner();
    await this.ownerLock.connect();
    await this.ownerLock.query('SELECT pg_advisory_lock($1, $2)', [JOB_OWNER_LOCK_CLASS, this.owner]);
  }

  /**
   * A lost connection (a database restart) took the owner lock with it, and the other replicas
   * would take this process's jobs for orphans: a new number under a new lock, then.
   */
  private async keepOwnerLock(): Promise<void> {
    try {
      await this.ownerLock!.query('SELECT 1');
    } catch (error) {
      this.logger.warn(
        `lost the connection that holds the owner lock (${(error as Error).message}): taking a new one`,
      );
      await this.ownerLock!.release().catch(() => undefined);
      await this.takeOwnerLock();
    }
  }

  /** Lets the job in progress finish, then gives up the owner lock. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.draining;
    await this.ownerLock?.release();
    this.ownerLock = undefined;
  }

  /** Runs queued jobs until none is left (again, if asked while already running). */
  kick(): void {
    // Before start() there is no owner lock to claim jobs under; start() is followed by a kick.
    if (this.stopped || !this.ownerLock) return;
    if (this.draining) {
      this.kickedWhileDraining = true;
      return;
    }
    this.draining = this.detached(async () => {
      do {
        this.kickedWhileDraining = false;
        await this.keepOwnerLock();
        await this.failOrphans();
        await this.drain();
      } while (this.kickedWhileDraining && !this.stopped);
    })
      .catch((error: Error) => this.logger.error(`cannot take queued jobs: ${error.message}`))
      .finally(() => (this.draining = undefined));
  }

  /** Runs queued jobs (only those of `ids`, when given) until none is left to take. */
  async drain(ids?: string[]): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const job = await this.jobs.claimNext(this.owner, ids);
      if (!job) return;
      await this.run(job);
    }
  }

  private async failOrphans(): Promise<void> {
    for (const job of await this.jobs.failOrphans())
      this.logger.warn(`job ${describeJob(job)} was interrupted (its process stopped): marked failed`);
  }

  private async run(job: Job): Promise<void> {
    const name = describeJob(job);
    this.logger.log(`job ${name} taken (requested by ${job.requestedBy}), waiting for its lock`);
    let started = performance.now();
    try {
      const rows = await this.dataSource.transaction(async (tx) => {
        const locks = jobLocks(job);
        for (const key of locks.shared)
          await tx.query('SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))', [key]);
        for (const key of locks.exclusive)
          await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
        started = performance.now();
        await this.jobs.markStarted(job.id);
        this.logger.log(`job ${name} started`);
        const written = await this.work(tx, job);
        await this.jobs.markSucceeded(job.id, written, tx);
        return written;
      });
      const seconds = (performance.now() - started) / 1000;
      this.metrics.jobEnded(job.type, seconds, { rows });
      this.logger.log(`job ${name} succeeded: ${rows} rows in ${seconds.toFixed(1)} s`);
      await this.queueReport(job).catch((error: Error) =>
        this.logger.error(`cannot queue the report that follows job ${name}: ${error.message}`),
      );
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      const message = (error as Error).message;
      this.metrics.jobEnded(job.type, seconds, 'failed');
      this.logger.error(`job ${name} failed after ${seconds.toFixed(1)} s: ${message}`);
      await this.jobs.markFailed(job.id, message);
    }
  }

  /**
   * A day's or month's report follows its aggregation (the day's holds its hourly totals too);
   * not a backfill's, which rewrites history in bulk: its reports are asked for on demand.
   */
  private async queueReport(job: Job): Promise<void> {
    if (!this.config.reports.afterJobs) return;
    if ((job.type !== 'daily' && job.type !== 'monthly') || job.requestedBy === 'backfill') return;
    const report = await this.jobs.enqueue({
      type: 'report',
      period: job.period,
      vcenterId: job.vcenterId,
      requestedBy: `after job #${job.id}`,
    });
    this.logger.log(`queued job ${describeJob(report)}`);
  }

  private async work(tx: EntityManager, job: Job): Promise<number> {
    const chargeback = this.config.chargeback;
    const vcenterId = job.vcenterId ?? undefined;
    switch (job.type) {
      case 'daily':
        return (
          (await aggregateDay(tx, chargeback, job.period, vcenterId)).rows +
          (await summarizeEsxiDay(tx, chargeback.timeZone, job.period, vcenterId))
        );
      case 'monthly':
        return (await aggregateMonth(tx, chargeback, job.period, vcenterId)).rows;
      case 'retention': {
        const now = new Date();
        const cuts = retentionCuts(
          now,
          this.config.retention,
          currentDay(now, chargeback.timeZone).slice(0, 7),
        );
        const result = await this.retention.apply(tx, cuts, chargeback.timeZone);
        this.logger.log(
          `retention: dropped ${result.dropped.length ? result.dropped.join(', ') : 'no partition'}; deleted ${result.deleted} rows of older snapshots, totals and cluster days`,
        );
        // Reports expire here too, beside after each one written, should none be written for a while.
        const reports = await this.reports.store.applyRetention(now);
        return result.deleted + reports.length;
      }
      case 'report': {
        const type = job.period.length === 7 ? 'monthly' : 'daily';
        const report = await this.reports.write(tx, { type, period: job.period, vcenterId: job.vcenterId });
        this.logger.log(`report ${report.name} written: ${report.vms} VMs, ${report.size} bytes`);
        return report.vms;
      }
      case 'backfill':
        // Never queued (claimNext skips them): the backfill command runs the jobs it queued.
        throw new Error('a backfill job cannot be run from the queue');
    }
  }
}
