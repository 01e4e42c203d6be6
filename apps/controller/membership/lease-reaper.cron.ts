import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ControllerConfig } from '@vcc/config';
import { AssignmentService } from '../assignment/assignment.service';
import { ControllerMetrics } from '../status/controller-metrics';
import { CollectorRepository } from './collector.repository';

/**
 * Expires leases, finishes drains and forgets day-old realtime watermarks every `membership.reaperIntervalSeconds`. Every replica runs
 * it; the row locks of the group changes make a second replica find nothing left to do.
 */
@Injectable()
export class LeaseReaperCron implements OnApplicationBootstrap {
  private readonly logger = new Logger('LeaseReaper');
  private running = false;

  constructor(
    private readonly config: ControllerConfig,
    private readonly assignment: AssignmentService,
    private readonly collectors: CollectorRepository,
    private readonly metrics: ControllerMetrics,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.run(), this.config.membership.reaperIntervalSeconds * 1000);
    this.scheduler.addInterval('lease-reaper', timer);
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const expired = await this.assignment.expireLeases();
      if (expired) this.metrics.leaseExpiries.inc(expired);
      await this.collectors.pruneWatermarks();
    } catch (error) {
      this.logger.error(`lease check failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
