import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AggregatorConfig } from '@vcc/config';
import { currentDay, previousDay, previousMonth, type JobRequest } from './job';
import { JobRepository } from './job.repository';
import { JobRunner } from './job-runner';

/**
 * The scheduled jobs, on crons from `schedule.*` in `chargeback.timeZone` (registered at run time,
 * since they come from config), and the catch-up at start. Every replica with `schedule.enabled`
 * runs them; queueing the same job twice returns the one waiting, so they do not pile up.
 */
@Injectable()
export class AggregationCron implements OnApplicationBootstrap {
  private readonly logger = new Logger('Schedule');

  constructor(
    private readonly config: AggregatorConfig,
    private readonly scheduler: SchedulerRegistry,
    private readonly jobs: JobRepository,
    private readonly runner: JobRunner,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = this.config.schedule;
    if (!schedule.enabled) {
      this.logger.log('schedule.enabled is off: no scheduled jobs or catch-up on this instance');
      return;
    }
    this.add('daily', schedule.dailyCron, () => this.daily());
    this.add('monthly', schedule.monthlyCron, () => this.monthly());
    this.add('retention', schedule.retentionCron, () => this.retention());
    void this.catchUp('start');
  }

  private add(name: string, cron: string, run: () => Promise<void>): void {
    const timeZone = this.config.chargeback.timeZone;
    const job = CronJob.from({
      cronTime: cron,
      timeZone,
      onTick: () =>
        run().catch((error: Error) => this.logger.error(`${name} schedule failed: ${error.message}`)),
    });
    this.scheduler.addCronJob(name, job);
    job.start();
    this.logger.log(`${name} job on "${cron}" (${timeZone}), next at ${job.nextDate().toISO()}`);
  }

  /** Yesterday, then whatever else is stale (a late snapshot, a day missed while stopped). */
  async daily(): Promise<void> {
    const now = new Date();
    await this.queue({
      type: 'daily',
      period: previousDay(now, this.config.chargeback.timeZone),
      requestedBy: 'schedule',
    });
    await this.catchUp('daily schedule');
  }

  /** Last month, from its daily summaries, after any of its days still to do. */
  async monthly(): Promise<void> {
    await this.catchUp('monthly schedule');
    const month = previousMonth(new Date(), this.config.chargeback.timeZone);
    await this.queue({ type: 'monthly', period: month, requestedBy: 'schedule' });
  }

  async retention(): Promise<void> {
    const day = currentDay(new Date(), this.config.chargeback.timeZone);
    await this.queue({ type: 'retention', period: day, requestedBy: 'schedule' });
  }

  /**
   * Queues every day before today whose complete snapshots are newer than its last successful
   * aggregation, then every month before this one whose days changed since its own.
   */
  async catchUp(reason: string): Promise<void> {
    try {
      const timeZone = this.config.chargeback.timeZone;
      const days = await this.jobs.staleDays(timeZone);
      for (const period of days) await this.jobs.enqueue({ type: 'daily', period, requestedBy: 'catch-up' });
      const months = await this.jobs.staleMonths(timeZone);
      for (const period of months)
        await this.jobs.enqueue({ type: 'monthly', period, requestedBy: 'catch-up' });
      this.logger.log(
        `catch-up (${reason}): ${days.length} day(s)${days.length ? ` ${days[0]}..${days.at(-1)}` : ''} and ${months.length} month(s)${months.length ? ` ${months[0]}..${months.at(-1)}` : ''} queued`,
      );
      this.runner.kick();
    } catch (error) {
      this.logger.error(`catch-up (${reason}) failed: ${(error as Error).message}`);
    }
  }

  private async queue(request: JobRequest): Promise<void> {
    const job = await this.jobs.enqueue(request);
    this.logger.log(`queued job #${job.id} ${job.type} ${job.period}`);
    this.runner.kick();
  }
}
