import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CollectorConfig } from '@vcc/config';
import { CollectionPipeline } from '../collection/collection.pipeline';
import type { CycleResult, Schedule } from '../collection/perf-collector';
import type { Assignment } from '../controller/controller.types';
import { MembershipService } from '../membership/membership.service';
import { CollectorMetrics } from '../observability/collector.metrics';
import { CycleHealth } from '../observability/cycle-health';
import { BoundaryTimer } from './boundary-timer';

const SCHEDULES: Schedule[] = ['realtime', 'historical'];

/**
 * Runs realtime (VMs, hosts) and historical (clusters, datastores) cycles at wall-clock multiples
 * of their intervals with the assignment in force at each boundary: none while fenced, idle or
 * paused, and never two of a schedule at once (the later one is skipped). Only collection runs
 * here; snapshots and events have their own jobs, so nothing else can make a cycle late.
 */
@Injectable()
export class CycleScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Collector');
  private readonly timers: Record<Schedule, BoundaryTimer>;
  private readonly running = new Map<Schedule, Promise<void>>();
  readonly cycleHealth: CycleHealth;
  /** The last finished realtime cycle. */
  lastRealtime?: CycleResult;
  /** When a realtime cycle last succeeded in full. */
  lastRealtimeSuccessAt?: number;
  cycles = 0;
  private historicalEpoch = -1;

  constructor(
    config: CollectorConfig,
    private readonly membership: MembershipService,
    private readonly pipeline: CollectionPipeline,
    private readonly metrics: CollectorMetrics,
  ) {
    this.cycleHealth = new CycleHealth(config.health.failedCycles);
    this.timers = {
      realtime: new BoundaryTimer(
        () => this.intervalSeconds('realtime'),
        (boundary) => this.onBoundary('realtime', boundary),
      ),
      historical: new BoundaryTimer(
        () => this.intervalSeconds('historical'),
        (boundary) => this.onBoundary('historical', boundary),
      ),
    };
    // A first or changed assignment may bring a shorter interval than the one the timers were armed with.
    membership.onAnswer(() => SCHEDULES.forEach((schedule) => this.timers[schedule].rearm()));
  }

  onApplicationBootstrap(): void {
    for (const schedule of SCHEDULES) this.timers[schedule].start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const schedule of SCHEDULES) this.timers[schedule].stop();
    this.logger.log('stopping: letting running cycles finish');
    await Promise.allSettled(this.running.values());
  }

  intervalSeconds(schedule: Schedule): number {
    const latest = this.membership.tracker.latest;
    return schedule === 'realtime'
      ? (latest?.realtimeIntervalSeconds ?? 60)
      : (latest?.historicalIntervalSeconds ?? 300);
  }

  private onBoundary(schedule: Schedule, boundary: number): void {
    if (this.running.has(schedule)) {
      this.metrics.cycles.inc({ schedule, result: 'skipped' });
      this.logger.warn(
        `${schedule} cycle at ${new Date(boundary).toISOString()} skipped: the previous one is still running`,
      );
      return;
    }
    const tracker = this.membership.tracker;
    if (tracker.fenced(Date.now())) {
      this.metrics.cycles.inc({ schedule, result: 'fenced' });
      this.metrics.fenced.set(1);
      return;
    }
    const assignment = tracker.at(boundary);
    if (!assignment || assignment.paused || assignment.groupIndices.length === 0) {
      this.metrics.cycles.inc({ schedule, result: 'idle' });
      return;
    }
    this.start(schedule, boundary, assignment);
  }

  private start(schedule: Schedule, boundary: number, assignment: Assignment): void {
    const run = this.cycle(schedule, boundary, assignment).finally(() => this.running.delete(schedule));
    this.running.set(schedule, run);
  }

  private async cycle(schedule: Schedule, boundary: number, assignment: Assignment): Promise<void> {
    const timer = this.metrics.cycleDuration.startTimer({ schedule });
    try {
      const result = await this.pipeline.collect(schedule, boundary, assignment, {
        leaseTtlSeconds: this.membership.tracker.leaseTtlSeconds ?? 30,
      });
      timer();
      this.cycles++;
      this.metrics.entities.set({ schedule }, result.entitiesAssigned);
      const ok = result.failedRequests === 0;
      this.metrics.cycles.inc({ schedule, result: ok ? 'ok' : 'failed' });
      if (ok) {
        this.metrics.lastSuccess.set({ schedule }, Date.now() / 1000);
        this.cycleHealth.succeeded(schedule);
      } else {
        this.cycleHealth.failed(schedule, `${result.failedRequests} of ${result.requests} requests failed`);
      }
      this.logger.log(
        `${schedule} cycle ${result.boundary.toISOString()}: ${result.entitiesCollected}/${result.entitiesAssigned} entities, ${result.requests} requests (${result.failedRequests} failed, ${result.refusedRequests} refused), ${result.points} points in ${result.durationMs} ms`,
      );
      if (schedule !== 'realtime') return;
      this.lastRealtime = result;
      if (ok) this.lastRealtimeSuccessAt = Date.now();
      this.membership.report({
        cycleStart: result.boundary.toISOString(),
        entitiesAssigned: result.entitiesAssigned,
        entitiesCollected: result.entitiesCollected,
        points: result.points,
        durationMs: result.durationMs,
        errors: result.failedRequests,
        watermarks: result.watermarks,
      });
      // Historical cycles come every 5 minutes or more: after a new assignment, catch up at once.
      if (this.historicalEpoch !== assignment.epoch && !this.running.has('historical')) {
        this.historicalEpoch = assignment.epoch;
        this.start('historical', boundary, assignment);
      }
    } catch (error) {
      timer();
      this.metrics.cycles.inc({ schedule, result: 'failed' });
      this.cycleHealth.failed(schedule, (error as Error).message);
      this.logger.error(
        `${schedule} cycle at ${new Date(boundary).toISOString()} failed: ${(error as Error).message}`,
      );
    }
  }
}
