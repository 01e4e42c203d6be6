import { Injectable } from '@nestjs/common';
import { AssignmentService } from '../assignment/assignment.service';
import { notFound } from '../common/field.error';
import { CollectorRepository } from '../membership/collector.repository';
import type { CollectorView } from '../membership/membership.dto';
import { toCollectorView } from '../membership/membership.service';
import { VcenterRepository } from '../vcenters/vcenter.repository';
import { VcentersService } from '../vcenters/vcenters.service';
import type { VcenterView } from '../vcenters/vcenter.dto';
import type { GroupsView } from './rebalancing.dto';

/** Admin changes to the group assignment; each is at most one epoch bump per vCenter it touches. */
@Injectable()
export class RebalancingService {
  constructor(
    private readonly assignment: AssignmentService,
    private readonly collectors: CollectorRepository,
    private readonly vcenters: VcenterRepository,
    private readonly catalogue: VcentersService,
  ) {}

  async groups(vcenterId: string): Promise<GroupsView> {
    const vcenter = await this.catalogue.find(vcenterId);
    const collectors = (await this.collectors.listLive()).filter((c) => c.vcenterId === vcenter.id);
    const members = collectors
      .filter((c) => c.state === 'active')
      .sort((a, b) => a.groupIndices[0] - b.groupIndices[0]);
    return {
      vcenterId: vcenter.id,
      vcenterName: vcenter.name,
      epoch: vcenter.epoch,
      effectiveFrom: vcenter.epochEffectiveFrom?.toISOString() ?? null,
      paused: !vcenter.enabled,
      groupCount: members.reduce((sum, member) => sum + member.groupIndices.length, 0),
      members: members.map((c) => ({
        collectorId: c.id,
        name: c.name,
        weight: c.weight,
        groupIndices: c.groupIndices,
      })),
      draining: collectors
        .filter((c) => c.state === 'draining')
        .map((c) => ({ collectorId: c.id, name: c.name, drainAt: c.drainAt?.toISOString() ?? null })),
    };
  }

  async reorder(vcenterId: string, collectorIds: string[]): Promise<GroupsView> {
    await this.assignment.reorder(vcenterId, collectorIds);
    return this.groups(vcenterId);
  }

  setPaused(vcenterId: string, paused: boolean): Promise<VcenterView> {
    return this.catalogue.setPaused(vcenterId, paused);
  }

  async move(collectorId: string, vcenterReference: string): Promise<CollectorView> {
    const target = await this.vcenters.findByIdOrName(vcenterReference);
    if (!target) throw notFound('vcenter', `no vCenter with id or name ${vcenterReference}`);
    return toCollectorView(await this.assignment.move(collectorId, target.id));
  }

  async drain(collectorId: string): Promise<CollectorView> {
    return toCollectorView(await this.assignment.drain(collectorId));
  }

  async setWeight(collectorId: string, weight: number): Promise<CollectorView> {
    return toCollectorView(await this.assignment.setWeight(collectorId, weight));
  }
}
