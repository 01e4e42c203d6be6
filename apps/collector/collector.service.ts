import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { boundaryAtOrAfter } from '@vcc/contract';
import { CollectorConfig } from '@vcc/config';
import { HealthService, AppIdentity } from '@vcc/platform';
import { VimFaultError } from '@vcc/vsphere';
import { hostname } from 'node:os';
import { PerfCollector, type CycleResult, type Schedule } from './collection/perf-collector';
import { PerfPool } from './collection/perf-pool';
import { ControllerClient, controllerTls } from './controller/controller.client';
import type { Assignment, AssignmentResponse } from './controller/controller.types';
import { EventTail } from './events/event-tail';
import { AssignmentTracker } from './membership/assignment.tracker';
import { Membership } from './membership/membership';
import { CollectorMetrics } from './observability/collector.metrics';
import { CycleHealth } from './observability/cycle-health';
import { createSinks } from './sinks/sinks.factory';
import { SinkWriter } from './sinks/sink-writer';
import { InventorySnapshots } from './snapshots/inventory-snapshots';
import { VcenterSession } from './vcenter/vcenter-session';

const SCHEDULES: Schedule[] = ['realtime', 'historical'];

/**
 * The collector in cluster mode: registers with the controller and heartbeats, follows its
 * assignment from the boundary it takes effect, runs realtime (VMs, hosts) and historical
 * (clusters, datastores) cycles at wall-clock multiples of their intervals, posts hourly inventory
 * snapshots and, while it holds group 0, tails vCenter's events.
 */
@Injectable()
export class CollectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Collector');
  private readonly metrics = new CollectorMetrics();
  private readonly tracker = new AssignmentTracker();
  private readonly controller: ControllerClient;
  private readonly pool: PerfPool;
  private readonly writer: SinkWriter;
  private session?: VcenterSession;
  private collector?: PerfCollector;
  private readonly snapshots: InventorySnapshots;
  private readonly events: EventTail;
  private readonly timers = new Map<Schedule, { timer: NodeJS.Timeout; boundary: number }>();
  private readonly running = new Map<Schedule, Promise<void>>();
  private readonly membership: Membership;
  private stopping = false;
  private readonly last: Partial<Record<Schedule, { result: CycleResult; at: number }>> = {};
  private lastSuccessAt: Partial<Record<Schedule, number>> = {};
  private readonly cycleHealth: CycleHealth;
  private historicalEpoch = -1;
  private cycles = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly config: CollectorConfig,
    private readonly identity: AppIdentity,
    health: HealthService,
  ) {
    this.controller = new ControllerClient(
      config.controller.url!,
      config.controller.token!,
      config.controller.timeoutSeconds * 1000,
      controllerTls(config.controller),
    );
    if (config.controller.insecure)
      this.logger.warn("controller.insecure is set: the controller's certificate is not checked");
    this.pool = new PerfPool(config.perf.threads);
    this.cycleHealth = new CycleHealth(config.health.failedCycles);
    this.writer = new SinkWriter(
      createSinks(config.sinks, config.write),
      {
        batchLines: config.write.batchLines,
        maxBufferedLines: config.write.maxBufferedLines,
        maxRetryDelayMs: config.write.maxRetryDelaySeconds * 1000,
      },
      {
        written: (sink, lines) => this.metrics.linesWritten.inc({ sink }, lines),
        buffered: (lines) => this.metrics.linesBuffered.set(lines),
        failed: (sink, lines, error, retryIn) => {
          this.metrics.linesFailed.inc({ sink, action: retryIn === undefined ? 'dropped' : 'retry' }, lines);
          if (retryIn === undefined)
            this.logger.error(`${sink} refused ${lines} lines, dropped: ${error.message}`);
          else
            this.logger.warn(
              `${sink} failed for ${lines} lines, retrying in ${Math.round(retryIn / 1000)} s: ${error.message}`,
            );
        },
      },
    );
    if (config.sinks.length === 0) this.logger.warn('no sinks configured: samples are read and discarded');
    this.membership = new Membership(
      this.controller,
      this.tracker,
      {
        name: config.member.name || hostname().replace(/[^A-Za-z0-9._-]/g, '-'),
        version: identity.version,
        capacity: config.member.capacity,
        preferredVcenter: config.member.preferredVcenter,
        maxRetryDelayMs: config.controller.maxRetryDelaySeconds * 1000,
      },
      (response, before) => this.onAssignment(response, before),
    );
    this.snapshots = new InventorySnapshots(this.controller);
    this.events = new EventTail(this.controller);
    health.register('collector', () => this.health());
  }

  onApplicationBootstrap(): void {
    this.membership.start();
    for (const schedule of SCHEDULES) this.scheduleNext(schedule);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.membership.stop();
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.logger.log('stopping: letting running cycles finish');
    await Promise.allSettled(this.running.values());
    const written = await this.writer.drain(10_000);
    if (!written)
      this.logger.warn(
        `${this.writer.bufferedLines} lines not acknowledged at shutdown; their samples stay on vCenter for the next owner`,
      );
    await this.writer.close();
    const id = this.tracker.collectorId;
    if (id && !this.membership.drained) {
      await this.controller.deregister(id).then(
        () => this.logger.log('deregistered'),
        (error: Error) => this.logger.warn(`could not deregister: ${error.message}`),
      );
    }
    await this.session?.close();
    await this.pool.close();
  }

  // --- membership ---------------------------------------------------------------------------

  private onAssignment(response: AssignmentResponse, before: Assignment | null): void {
    // A first or changed assignment may bring a shorter interval than the one the timers were armed with.
    for (const schedule of SCHEDULES) this.scheduleNext(schedule);
    this.metrics.fenced.set(0);
    const latest = response.assignment;
    if (latest && (before?.epoch !== latest.epoch || before?.vcenter.id !== latest.vcenter.id)) {
      this.logger.log(
        `assignment: ${latest.vcenter.name} epoch ${latest.epoch}, groups [${latest.groupIndices.join(',')}] of ${latest.groupCount} from ${latest.effectiveFrom}${latest.paused ? ' (paused)' : ''}`,
      );
    }
  }

  // --- cycles -------------------------------------------------------------------------------

  private intervalSeconds(schedule: Schedule): number {
    const latest = this.tracker.latest;
    return schedule === 'realtime'
      ? (latest?.realtimeIntervalSeconds ?? 60)
      : (latest?.historicalIntervalSeconds ?? 300);
  }

  /** Arms the timer for the next boundary of the schedule's current interval, unless an earlier one is armed. */
  private scheduleNext(schedule: Schedule, after = Date.now()): void {
    if (this.stopping) return;
    // Timers can fire a little early: the next boundary is strictly after the one just reached.
    const boundary = boundaryAtOrAfter(Math.max(after, Date.now()) + 1, this.intervalSeconds(schedule));
    const armed = this.timers.get(schedule);
    if (armed && armed.boundary <= boundary) return;
    if (armed) clearTimeout(armed.timer);
    const timer = setTimeout(() => {
      this.timers.delete(schedule);
      this.onBoundary(schedule, boundary);
    }, boundary - Date.now());
    this.timers.set(schedule, { timer, boundary });
  }

  private onBoundary(schedule: Schedule, boundary: number): void {
    this.scheduleNext(schedule, boundary);
    if (this.running.has(schedule)) {
      this.metrics.cycles.inc({ schedule, result: 'skipped' });
      this.logger.warn(
        `${schedule} cycle at ${new Date(boundary).toISOString()} skipped: the previous one is still running`,
      );
      return;
    }
    if (this.tracker.fenced(Date.now())) {
      this.metrics.cycles.inc({ schedule, result: 'fenced' });
      this.metrics.fenced.set(1);
      return;
    }
    const assignment = this.tracker.at(boundary);
    if (!assignment || assignment.paused || assignment.groupIndices.length === 0) {
      this.metrics.cycles.inc({ schedule, result: 'idle' });
      return;
    }
    const run = this.cycle(schedule, boundary, assignment).finally(() => this.running.delete(schedule));
    this.running.set(schedule, run);
  }

  private async cycle(schedule: Schedule, boundary: number, assignment: Assignment): Promise<void> {
    const timer = this.metrics.cycleDuration.startTimer({ schedule });
    try {
      const collector = this.collectorFor(assignment);
      const result = await collector.collect(schedule, boundary, assignment, {
        leaseTtlSeconds: this.tracker.leaseTtlSeconds ?? 30,
      });
      timer();
      this.cycles++;
      this.last[schedule] = { result, at: Date.now() };
      this.metrics.entities.set({ schedule }, result.entitiesAssigned);
      const ok = result.failedRequests === 0;
      this.metrics.cycles.inc({ schedule, result: ok ? 'ok' : 'failed' });
      if (ok) {
        this.lastSuccessAt[schedule] = Date.now();
        this.metrics.lastSuccess.set({ schedule }, Date.now() / 1000);
        this.cycleHealth.succeeded(schedule);
      } else {
        this.cycleHealth.failed(schedule, `${result.failedRequests} of ${result.requests} requests failed`);
      }
      this.logger.log(
        `${schedule} cycle ${result.boundary.toISOString()}: ${result.entitiesCollected}/${result.entitiesAssigned} entities, ${result.requests} requests (${result.failedRequests} failed, ${result.refusedRequests} refused), ${result.points} points in ${result.durationMs} ms`,
      );
      if (schedule === 'realtime') {
        this.membership.report({
          cycleStart: result.boundary.toISOString(),
          entitiesAssigned: result.entitiesAssigned,
          entitiesCollected: result.entitiesCollected,
          points: result.points,
          durationMs: result.durationMs,
          errors: result.failedRequests,
        });
        await this.snapshots.maybePost(boundary, assignment, this.session!);
        await this.events.maybeTail(assignment, this.session!);
        // Historical cycles come every 5 minutes or more: after a new assignment, catch up at once.
        if (this.historicalEpoch !== assignment.epoch && !this.running.has('historical')) {
          this.historicalEpoch = assignment.epoch;
          const run = this.cycle('historical', boundary, assignment).finally(() =>
            this.running.delete('historical'),
          );
          this.running.set('historical', run);
        }
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

  private collectorFor(assignment: Assignment): PerfCollector {
    if (!this.session || !this.session.matches(assignment.vcenter)) {
      void this.session?.close();
      this.session = new VcenterSession(assignment.vcenter, {
        timeoutMs: this.config.perf.timeoutSeconds * 1000,
        inventoryTtlMs: this.config.inventory.refreshSeconds * 1000,
        maxObjects: this.config.inventory.maxObjects,
        observer: {
          call: (operation, seconds, error) => {
            this.metrics.callLatency.observe({ operation }, seconds);
            // A cycle that dies on a control-plane call (CurrentTime, RetrievePropertiesEx…) counts it too.
            if (error)
              this.metrics.requests.inc({ result: error instanceof VimFaultError ? 'fault' : 'error' });
          },
          relogin: (reason) => {
            this.metrics.relogins.inc();
            this.logger.warn(`vCenter session gone (${reason}); logged in again`);
          },
          connectFailed: (error) => {
            this.metrics.connectFailures.inc();
            this.logger.warn(
              `cannot connect to ${assignment.vcenter.name} (${assignment.vcenter.sdkUrl}): ${(error as Error).message}`,
            );
          },
        },
      });
      this.collector = new PerfCollector(this.session, this.pool, this.writer, this.metrics, {
        maxEntitiesPerQuery: this.config.perf.maxEntitiesPerQuery,
        delayBetweenRequestsMs: this.config.perf.delayBetweenRequestsMs,
        historicalLookbackIntervals: this.config.perf.historicalLookbackIntervals,
        realtimeRetentionSeconds: this.config.perf.realtimeRetentionSeconds,
      });
    }
    return this.collector!;
  }

  // --- health -------------------------------------------------------------------------------

  private async health(): Promise<Record<string, unknown>> {
    const realtime = this.last.realtime;
    const now = Date.now();
    const assignment = this.tracker.at(now);
    const expected = !!assignment && !assignment.paused && assignment.groupIndices.length > 0;
    const staleAfter = 3 * this.intervalSeconds('realtime') * 1000;
    const lastSuccess = this.lastSuccessAt.realtime ?? this.startedAt;
    const stale = expected && now - lastSuccess > staleAfter;
    const fenced = !this.membership.drained && this.tracker.fenced(now);
    const failing = this.cycleHealth.problem;
    const details = {
      collectorId: this.tracker.collectorId ?? null,
      vcenter: assignment?.vcenter.name ?? null,
      epoch: assignment?.epoch ?? null,
      groupIndices: assignment?.groupIndices ?? [],
      groupCount: assignment?.groupCount ?? null,
      lastCollection: realtime ? realtime.result.boundary.toISOString() : null,
      lastDurationMs: realtime?.result.durationMs ?? null,
      entities: realtime?.result.entitiesAssigned ?? 0,
      cycles: this.cycles,
      bufferedLines: this.writer.bufferedLines,
      lastError: this.cycleHealth.lastError,
      failedCyclesInARow: this.cycleHealth.failedCyclesInARow,
      stale,
      fenced,
      drained: this.membership.drained,
    };
    if (stale || fenced || failing) {
      const reason = fenced
        ? (this.membership.problem ?? 'cannot reach the controller within its lease')
        : (failing ?? 'no successful realtime cycle lately');
      throw Object.assign(new Error(reason), { details });
    }
    return details;
  }
}
