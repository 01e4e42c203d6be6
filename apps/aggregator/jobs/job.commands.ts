import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import type pino from 'pino';
import type { AggregatorConfig } from '@vcc/config';
import { dataSourceOptions, migrateUnderLock } from '@vcc/database';
import type { AppCommand } from '@vcc/platform';
import { AggregatorMetrics } from '../observability/aggregator.metrics';
import { VcenterRepository } from '../common/vcenter.repository';
import { ReportStore } from '../reports/report-store';
import { ReportWriter } from '../reports/report-writer';
import { RetentionRepository } from '../retention/retention.repository';
import { currentDay, describeJob, type Job } from './job';
import { JobRepository } from './job.repository';
import { JobRunner } from './job-runner';

/** How often a command looks at a job of its own that another replica took from the queue. */
const WAIT_POLL_MS = 1000;

/**
 * Runs `work` with a job runner of this process's own, as the server has, on a database migrated
 * as the server would migrate it; the runner's jobs take the same locks as the server's.
 */
async function withRunner<T>(
  config: AggregatorConfig,
  logger: pino.Logger,
  work: (jobs: JobRepository, runner: JobRunner) => Promise<T>,
): Promise<T> {
  const dataSource = await new DataSource(dataSourceOptions(config.database)).initialize();
  try {
    if (config.database.migrate)
      await migrateUnderLock(dataSource, (message) => logger.info({ context: 'Migrations' }, message));
    const jobs = new JobRepository(dataSource);
    const reports = new ReportStore(config, new VcenterRepository(dataSource));
    const runner = new JobRunner(
      config,
      dataSource,
      jobs,
      new RetentionRepository(),
      new AggregatorMetrics(dataSource, reports),
      new ReportWriter(config, reports),
    );
    await runner.start();
    try {
      return await work(jobs, runner);
    } finally {
      await runner.stop();
    }
  } finally {
    await dataSource.destroy();
  }
}

/** Runs the queued job `id` here unless a replica took it first, and waits for its end either way. */
async function runToEnd(jobs: JobRepository, runner: JobRunner, id: string): Promise<Job> {
  await runner.drain([id]);
  for (;;) {
    const job = (await jobs.find(id))!;
    if (job.state === 'succeeded' || job.state === 'failed') return job;
    await sleep(WAIT_POLL_MS);
  }
}

/** `retention`: vCTP's -db-cleanup; the retention job, run now, here. */
export const retentionCommand: AppCommand<AggregatorConfig> = {
  summary: 'drop expired snapshot, event and daily summary partitions (retention.*) now, then exit',
  run(config, logger) {
    return withRunner(config, logger, async (jobs, runner) => {
      const queued = await jobs.enqueue({
        type: 'retention',
        period: currentDay(new Date(), config.chargeback.timeZone),
        requestedBy: 'retention command',
      });
      const job = await runToEnd(jobs, runner, queued.id);
      return job.state === 'succeeded' ? 0 : 1;
    });
  },
};

/**
 * `backfill`: aggregates history, every day with complete snapshots and then every month before
 * the current one that has such days, with their totals caches; one job each, so that a backfill
 * and the server's own jobs never run the same period at once. Recorded as a backfill job.
 */
export const backfillCommand: AppCommand<AggregatorConfig> = {
  summary: 'aggregate every day and month with complete snapshots (and their totals caches), then exit',
  run(config, logger) {
    const log = new Logger('Backfill');
    return withRunner(config, logger, async (jobs, runner) => {
      const timeZone = config.chargeback.timeZone;
      const days = await jobs.daysWithSnapshots(timeZone);
      if (!days.length) {
        log.log('no day before today has a complete snapshot: nothing to backfill');
        return 0;
      }
      const thisMonth = currentDay(new Date(), timeZone).slice(0, 7);
      const months = [...new Set(days.map((day) => day.slice(0, 7)))].filter((month) => month < thisMonth);
      const backfill = await jobs.insertRunning(
        { type: 'backfill', period: `${days[0]}..${days.at(-1)}`, requestedBy: 'backfill command' },
        runner.owner,
      );
      log.log(`${describeJob(backfill)}: ${days.length} day(s) and ${months.length} month(s) to aggregate`);
      const queued: Job[] = [];
      for (const period of days)
        queued.push(await jobs.enqueue({ type: 'daily', period, requestedBy: 'backfill' }));
      for (const period of months)
        queued.push(await jobs.enqueue({ type: 'monthly', period, requestedBy: 'backfill' }));
      const started = performance.now();
      let rows = 0;
      const failed: string[] = [];
      for (const [index, next] of queued.entries()) {
        const job = await runToEnd(jobs, runner, next.id);
        if (job.state === 'succeeded') rows += job.rows ?? 0;
        else failed.push(`#${job.id} ${job.type} ${job.period}`);
        log.log(
          `${index + 1}/${queued.length} done (${job.type} ${job.period}: ${job.state}, ${job.rows ?? 0} rows), ${((performance.now() - started) / 1000).toFixed(1)} s so far`,
        );
      }
      if (failed.length) {
        await jobs.markFailed(
          backfill.id,
          `${failed.length} of ${queued.length} jobs failed: ${failed.join(', ')}`,
        );
        log.error(`backfill failed: ${failed.length} of ${queued.length} jobs failed (${failed.join(', ')})`);
        return 1;
      }
      await jobs.markSucceeded(backfill.id, rows);
      log.log(
        `backfill done: ${queued.length} jobs, ${rows} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return 0;
    });
  },
};
