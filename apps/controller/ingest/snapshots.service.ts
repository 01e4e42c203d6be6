import { Injectable, Logger } from '@nestjs/common';
import { ControllerConfig } from '@vcc/config';
import { badRequest, notFound } from '../common/field.error';
import { ControllerMetrics } from '../status/controller-metrics';
import { VcenterRepository } from '../vcenters/vcenter.repository';
import { ingestWindow, inWindow } from './ingest-window';
import { PartitionRepository } from './partition.repository';
import type { ShardResultView, SnapshotShardDto, SnapshotView } from './snapshot.dto';
import { SnapshotRepository } from './snapshot.repository';

function firstDuplicate(morefs: string[]): number {
  const seen = new Set<string>();
  return morefs.findIndex((moref) => seen.size === seen.add(moref).size);
}

@Injectable()
export class SnapshotsService {
  private readonly logger = new Logger('Snapshots');

  constructor(
    private readonly config: ControllerConfig,
    private readonly vcenters: VcenterRepository,
    private readonly snapshots: SnapshotRepository,
    private readonly partitions: PartitionRepository,
    private readonly metrics: ControllerMetrics,
  ) {}

  async store(shard: SnapshotShardDto): Promise<ShardResultView> {
    const vcenter = await this.vcenters.findByIdOrName(shard.vcenter);
    if (!vcenter) throw notFound('vcenter', `no vCenter with id or name ${shard.vcenter}`);
    if (shard.groupIndex >= shard.groupCount) {
      throw badRequest('groupIndex', `groupIndex must be less than groupCount (${shard.groupCount})`);
    }
    if (shard.epoch > vcenter.epoch) {
      throw badRequest(
        'epoch',
        `epoch ${shard.epoch} is ahead of vCenter ${vcenter.name}'s current epoch ${vcenter.epoch}`,
      );
    }
    const snapshotTime = new Date(shard.snapshotTime);
    const window = ingestWindow(
      new Date(),
      this.config.ingest.windowPastDays,
      this.config.ingest.windowFutureMinutes,
    );
    if (!inWindow(snapshotTime, window)) {
      throw badRequest(
        'snapshotTime',
        `snapshotTime ${shard.snapshotTime} is outside the ingest window ${window.from.toISOString()} to ${window.to.toISOString()}`,
      );
    }
    for (const [field, rows] of [
      ['vms', shard.vms],
      ['hosts', shard.hosts],
    ] as const) {
      const duplicate = firstDuplicate(rows.map((row) => row.moref));
      if (duplicate >= 0) {
        throw badRequest(
          `${field}.${duplicate}.moref`,
          `${rows[duplicate].moref} appears more than once in ${field}`,
        );
      }
    }
    await this.partitions.ensureMonths('inventory_vm', [snapshotTime]);
    await this.partitions.ensureMonths('inventory_host', [snapshotTime]);
    const outcome = await this.snapshots.storeShard({ ...shard, vcenterId: vcenter.id, snapshotTime });
    this.metrics.ingestedRows.inc({ kind: 'vm' }, shard.vms.length);
    this.metrics.ingestedRows.inc({ kind: 'host' }, shard.hosts.length);
    this.logger.log(
      `snapshot ${vcenter.name} ${shard.snapshotTime}: group ${shard.groupIndex}/${shard.groupCount} of epoch ` +
        `${shard.epoch} stored (${shard.vms.length} VMs, ${shard.hosts.length} hosts), ` +
        `${outcome.groupsReported}/${shard.groupCount} reported${outcome.complete ? ', complete' : ''}`,
    );
    return {
      vcenterId: vcenter.id,
      snapshotTime: snapshotTime.toISOString(),
      epoch: shard.epoch,
      groupIndex: shard.groupIndex,
      vmRows: shard.vms.length,
      hostRows: shard.hosts.length,
      groupsReported: outcome.groupsReported,
      groupCount: shard.groupCount,
      complete: outcome.complete,
    };
  }

  async list(vcenterReference: string | undefined, limit: number): Promise<SnapshotView[]> {
    let vcenterId: string | undefined;
    if (vcenterReference !== undefined) {
      const vcenter = await this.vcenters.findByIdOrName(vcenterReference);
      if (!vcenter) throw notFound('vcenter', `no vCenter with id or name ${vcenterReference}`);
      vcenterId = vcenter.id;
    }
    return (await this.snapshots.listSnapshots(vcenterId, limit)).map(({ snapshot, shards }) => ({
      vcenterId: snapshot.vcenterId,
      snapshotTime: snapshot.snapshotTime.toISOString(),
      complete: snapshot.complete,
      completeEpoch: snapshot.completeEpoch,
      groupCount: snapshot.groupCount,
      vmCount: snapshot.vmCount,
      hostCount: snapshot.hostCount,
      completedAt: snapshot.completedAt?.toISOString() ?? null,
      shards: shards.map((s) => ({
        epoch: s.epoch,
        groupIndex: s.groupIndex,
        groupCount: s.groupCount,
        vmCount: s.vmCount,
        hostCount: s.hostCount,
        receivedAt: s.receivedAt.toISOString(),
      })),
    }));
  }
}
