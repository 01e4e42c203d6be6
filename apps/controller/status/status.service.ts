import { Injectable } from '@nestjs/common';
import { ControllerConfig } from '@vcc/config';
import { leaseTtlSeconds } from '@vcc/contract';
import type { CollectorEntity } from '@vcc/database';
import { CollectorRepository } from '../membership/collector.repository';
import { toCollectorView } from '../membership/membership.service';
import { VcenterRepository } from '../vcenters/vcenter.repository';
import type { ClusterStatusView, MemberStatusView } from './status.dto';

@Injectable()
export class StatusService {
  private readonly heartbeatIntervalSeconds: number;
  private readonly leaseTtlSeconds: number;

  constructor(
    config: ControllerConfig,
    private readonly collectors: CollectorRepository,
    private readonly vcenters: VcenterRepository,
  ) {
    this.heartbeatIntervalSeconds = config.membership.heartbeatIntervalSeconds;
    this.leaseTtlSeconds = leaseTtlSeconds(
      config.membership.heartbeatIntervalSeconds,
      config.membership.missedHeartbeats,
    );
  }

  async status(): Promise<ClusterStatusView> {
    const [now, vcenters, collectors] = await Promise.all([
      this.collectors.clock(),
      this.vcenters.list(),
      this.collectors.listLive(),
    ]);
    const leaseAge = (c: CollectorEntity): number =>
      Math.max(0, (now.getTime() - c.lastHeartbeatAt.getTime()) / 1000);
    const member = (c: CollectorEntity): MemberStatusView => ({
      collectorId: c.id,
      name: c.name,
      version: c.version,
      state: c.state,
      weight: c.weight,
      groupIndices: c.groupIndices,
      leaseAgeSeconds: Math.round(leaseAge(c) * 10) / 10,
      leaseExpiresAt: c.leaseExpiresAt.toISOString(),
      stale: leaseAge(c) > 2 * this.heartbeatIntervalSeconds,
      lastCycle: toCollectorView(c).lastCycle,
    });
    return {
      generatedAt: now.toISOString(),
      heartbeatIntervalSeconds: this.heartbeatIntervalSeconds,
      leaseTtlSeconds: this.leaseTtlSeconds,
      vcenters: vcenters.map((vcenter) => {
        const own = collectors.filter((c) => c.vcenterId === vcenter.id);
        const active = own
          .filter((c) => c.state === 'active')
          .sort((a, b) => a.groupIndices[0] - b.groupIndices[0]);
        const members = [...active, ...own.filter((c) => c.state === 'draining')].map(member);
        const assigned = active.reduce((sum, c) => sum + (c.entitiesAssigned ?? 0), 0);
        const collected = active.reduce((sum, c) => sum + (c.entitiesCollected ?? 0), 0);
        return {
          id: vcenter.id,
          name: vcenter.name,
          paused: !vcenter.enabled,
          epoch: vcenter.epoch,
          effectiveFrom: vcenter.epochEffectiveFrom?.toISOString() ?? null,
          groupCount: active.reduce((sum, c) => sum + c.groupIndices.length, 0),
          requestBudget: vcenter.requestBudget,
          members,
          coverage: {
            entitiesAssigned: assigned,
            entitiesCollected: collected,
            ratio: active.some((c) => c.cycleStart) && assigned > 0 ? collected / assigned : null,
          },
          staleMembers: members.filter((m) => m.stale).map((m) => m.name),
        };
      }),
      unplaced: collectors
        .filter((c) => c.state === 'active' && !c.vcenterId)
        .map((c) => ({
          collectorId: c.id,
          name: c.name,
          leaseAgeSeconds: Math.round(leaseAge(c) * 10) / 10,
        })),
    };
  }
}
