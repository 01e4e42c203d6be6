import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CollectorGone } from '@vcc/contract';
import { ControllerError, type ControllerClient } from '../controller/controller.client';
import type {
  Assignment,
  AssignmentResponse,
  CycleStats,
  VcenterCredentials,
} from '../controller/controller.types';
import type { AssignmentTracker } from './assignment.tracker';

const FIRST_RETRY_MS = 2000;
/** Extra wait, as a fraction of the wait, so that collectors refused together do not return together. */
const JITTER = 0.2;

export interface MemberOptions {
  name: string;
  version: string;
  capacity: number;
  preferredVcenter?: string;
  maxRetryDelayMs: number;
}

/**
 * The collector's membership: registers under its name with an instance id drawn at start,
 * heartbeats with the last cycle's stats, and feeds every answer to the assignment tracker. The
 * credentials of a vCenter it holds group indices on are fetched when their version changes (and
 * after a start) and kept in memory only while it holds indices there.
 * Registrations that fail or are refused (the name held by another instance, 409; too many, 429)
 * are retried with a doubling wait, or after the controller's Retry-After, each with jitter.
 */
export class Membership {
  readonly instanceId = randomUUID();
  /** Set when an admin drained this collector: it collects nothing more and stops heartbeating. */
  drained = false;
  /** Why the collector holds no lease while registration keeps failing; null once registered. */
  problem: string | null = null;
  private readonly logger = new Logger('Membership');
  private readonly credentials = new Map<string, VcenterCredentials>();
  private pendingStats?: CycleStats;
  private failedRegistrations = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly controller: ControllerClient,
    private readonly tracker: AssignmentTracker,
    private readonly member: MemberOptions,
    /** Called after every answer with the assignment known before it. */
    private readonly onAnswer: (response: AssignmentResponse, before: Assignment | null) => void,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    void this.beat();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Stats of the last finished cycle, sent with the next heartbeat. */
  report(stats: CycleStats): void {
    this.pendingStats = stats;
  }

  private async beat(): Promise<void> {
    if (this.stopped || this.drained) return;
    const id = this.tracker.collectorId;
    const delayMs = id ? await this.heartbeat(id) : await this.register();
    if (delayMs !== undefined && !this.stopped) this.timer = setTimeout(() => void this.beat(), delayMs);
  }

  /** Returns the wait before the next attempt. */
  private async register(): Promise<number> {
    const sentAtMs = Date.now();
    try {
      const response = await this.controller.register({
        name: this.member.name,
        instanceId: this.instanceId,
        version: this.member.version,
        capacity: this.member.capacity,
        ...(this.member.preferredVcenter ? { preferredVcenter: this.member.preferredVcenter } : {}),
      });
      this.logger.log(`registered as ${response.collectorId} (instance ${this.instanceId})`);
      this.failedRegistrations = 0;
      this.problem = null;
      return await this.accept(response, sentAtMs);
    } catch (error) {
      this.failedRegistrations++;
      const status = error instanceof ControllerError ? error.status : 0;
      const retryAfterSeconds = error instanceof ControllerError ? error.retryAfterSeconds : undefined;
      const backoffMs = Math.min(
        FIRST_RETRY_MS * 2 ** (this.failedRegistrations - 1),
        this.member.maxRetryDelayMs,
      );
      const waitMs = status === 429 && retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : backoffMs;
      const delayMs = Math.round(waitMs * (1 + JITTER * this.random()));
      const retry = `retrying in ${Math.round(delayMs / 1000)} s`;
      this.problem =
        status === 409
          ? `the controller refused the name ${this.member.name}: ${(error as Error).message}`
          : status === 429
            ? `registration throttled by the controller; ${retry}`
            : `cannot register with the controller: ${(error as Error).message}`;
      this.logger.warn(`${this.problem}; ${retry}`);
      return delayMs;
    }
  }

  /** Returns the wait before the next heartbeat, or undefined when drained. */
  private async heartbeat(id: string): Promise<number | undefined> {
    const sentAtMs = Date.now();
    try {
      return await this.accept(await this.controller.heartbeat(id, this.pendingStats), sentAtMs);
    } catch (error) {
      if (error instanceof ControllerError && error.gone === CollectorGone.Drained) {
        this.drained = true;
        this.tracker.forget();
        this.logger.warn('drained by an admin: collecting nothing more; stop this collector');
        return undefined;
      }
      if (error instanceof ControllerError && (error.status === 410 || error.status === 404)) {
        this.logger.warn(`${error.message}; registering again`);
        this.tracker.forget();
        return 0;
      }
      this.logger.warn(`heartbeat failed: ${(error as Error).message}`);
      return FIRST_RETRY_MS;
    }
  }

  /**
   * Takes an answer to a call sent at `sentAtMs`. The lease runs from then, not from the answer:
   * the controller renewed it when the call arrived, and a slow answer must not let this collector
   * collect past the moment the controller may give its entities to others.
   */
  private async accept(response: AssignmentResponse, sentAtMs: number): Promise<number> {
    const before = this.tracker.latest;
    await this.refreshCredentials(response);
    this.tracker.update(response, new Map(this.credentials), sentAtMs);
    this.pendingStats = undefined;
    this.onAnswer(response, before);
    // One interval after this call was sent: a slow answer or credentials fetch must not stretch
    // the period, or a live collector misses its lease.
    return Math.max(0, response.heartbeatIntervalSeconds * 1000 - (Date.now() - sentAtMs));
  }

  /** Fetches the credentials of each vCenter it holds indices on whose version it does not hold. */
  private async refreshCredentials(response: AssignmentResponse): Promise<void> {
    const versions = new Map<string, number>();
    for (const view of [response.assignment, response.previous]) {
      if (view && !view.paused && view.groupIndices.length > 0)
        versions.set(view.vcenter.id, view.vcenter.credentialVersion);
    }
    for (const vcenterId of this.credentials.keys())
      if (!versions.has(vcenterId)) this.credentials.delete(vcenterId);
    for (const [vcenterId, version] of versions) {
      if (this.credentials.get(vcenterId)?.credentialVersion === version) continue;
      this.credentials.delete(vcenterId);
      try {
        this.credentials.set(vcenterId, await this.controller.credentials(response.collectorId, vcenterId));
      } catch (error) {
        this.logger.warn(
          `cannot fetch the credentials of vCenter ${vcenterId}: ${(error as Error).message}; retrying at the next heartbeat`,
        );
      }
    }
  }
}
