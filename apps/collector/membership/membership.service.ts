import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CollectorConfig } from '@vcc/config';
import { AppIdentity } from '@vcc/platform';
import { hostname } from 'node:os';
import { ControllerClient } from '../controller/controller.client';
import type { Assignment, AssignmentResponse, CycleStats } from '../controller/controller.types';
import { CollectorMetrics } from '../observability/collector.metrics';
import { AssignmentTracker } from './assignment.tracker';
import { Membership } from './membership';

/**
 * The collector's membership as a provider: registers and heartbeats from bootstrap (Membership),
 * keeps what the controller said (the tracker other providers read their assignment and lease
 * from), tells listeners of every answer, and deregisters at shutdown unless drained.
 */
@Injectable()
export class MembershipService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  readonly tracker = new AssignmentTracker();
  private readonly logger = new Logger('Collector');
  private readonly membership: Membership;
  private readonly listeners: ((response: AssignmentResponse, before: Assignment | null) => void)[] = [];

  constructor(
    config: CollectorConfig,
    identity: AppIdentity,
    private readonly controller: ControllerClient,
    private readonly metrics: CollectorMetrics,
  ) {
    this.membership = new Membership(
      controller,
      this.tracker,
      {
        name: config.member.name || hostname().replace(/[^A-Za-z0-9._-]/g, '-'),
        version: identity.version,
        capacity: config.member.capacity,
        preferredVcenter: config.member.preferredVcenter,
        maxRetryDelayMs: config.controller.maxRetryDelaySeconds * 1000,
      },
      (response, before) => this.answered(response, before),
    );
  }

  /** Set when an admin drained this collector. */
  get drained(): boolean {
    return this.membership.drained;
  }

  /** Why the collector holds no lease while registration keeps failing. */
  get problem(): string | null {
    return this.membership.problem;
  }

  /** Calls `listener` after every answer of the controller, with the assignment known before it. */
  onAnswer(listener: (response: AssignmentResponse, before: Assignment | null) => void): void {
    this.listeners.push(listener);
  }

  private answered(response: AssignmentResponse, before: Assignment | null): void {
    this.metrics.fenced.set(0);
    const latest = response.assignment;
    if (latest && (before?.epoch !== latest.epoch || before?.vcenter.id !== latest.vcenter.id)) {
      this.logger.log(
        `assignment: ${latest.vcenter.name} epoch ${latest.epoch}, groups [${latest.groupIndices.join(',')}] of ${latest.groupCount} from ${latest.effectiveFrom}${latest.paused ? ' (paused)' : ''}`,
      );
    }
    for (const listener of this.listeners) listener(response, before);
  }

  /** Stats of the last realtime cycle, for the next heartbeat. */
  report(stats: CycleStats): void {
    this.membership.report(stats);
  }

  onApplicationBootstrap(): void {
    this.membership.start();
  }

  beforeApplicationShutdown(): void {
    this.membership.stop();
  }

  /** After the cycles have finished (beforeApplicationShutdown of the scheduler). */
  async onApplicationShutdown(): Promise<void> {
    const id = this.tracker.collectorId;
    if (!id || this.membership.drained) return;
    await this.controller.deregister(id).then(
      () => this.logger.log('deregistered'),
      (error: Error) => this.logger.warn(`could not deregister: ${error.message}`),
    );
  }
}
