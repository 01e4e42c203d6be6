import { Injectable } from '@nestjs/common';
import { HealthService } from '@vcc/platform';
import { CollectionPipeline } from '../collection/collection.pipeline';
import { CycleScheduler } from '../cycles/cycle-scheduler.service';
import { MembershipService } from '../membership/membership.service';

/**
 * The collector's /health check: failing when fenced (no lease), stale (no successful realtime
 * cycle in three intervals while there is something to collect) or when health.failedCycles
 * realtime cycles in a row failed; the details say which and what the last cycle did.
 */
@Injectable()
export class CollectorHealthService {
  private readonly startedAt = Date.now();

  constructor(
    health: HealthService,
    private readonly membership: MembershipService,
    private readonly scheduler: CycleScheduler,
    private readonly pipeline: CollectionPipeline,
  ) {
    health.register('collector', () => this.check());
  }

  async check(): Promise<Record<string, unknown>> {
    const realtime = this.scheduler.lastRealtime;
    const now = Date.now();
    const tracker = this.membership.tracker;
    const assignment = tracker.at(now);
    const expected = !!assignment && !assignment.paused && assignment.groupIndices.length > 0;
    const staleAfter = 3 * this.scheduler.intervalSeconds('realtime') * 1000;
    const lastSuccess = this.scheduler.lastRealtimeSuccessAt ?? this.startedAt;
    const stale = expected && now - lastSuccess > staleAfter;
    const fenced = !this.membership.drained && tracker.fenced(now);
    const cycleHealth = this.scheduler.cycleHealth;
    const failing = cycleHealth.problem;
    const details = {
      collectorId: tracker.collectorId ?? null,
      vcenter: assignment?.vcenter.name ?? null,
      epoch: assignment?.epoch ?? null,
      groupIndices: assignment?.groupIndices ?? [],
      groupCount: assignment?.groupCount ?? null,
      lastCollection: realtime ? realtime.boundary.toISOString() : null,
      lastDurationMs: realtime?.durationMs ?? null,
      entities: realtime?.entitiesAssigned ?? 0,
      cycles: this.scheduler.cycles,
      bufferedLines: this.pipeline.writer.bufferedLines,
      lastError: cycleHealth.lastError,
      failedCyclesInARow: cycleHealth.failedCyclesInARow,
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
