import { Logger } from '@nestjs/common';
import { shardOf } from '@vcc/sharding';
import type { ControllerClient } from '../controller/controller.client';
import type { Assignment } from '../controller/controller.types';
import type { VcenterSession } from '../vcenter/vcenter-session';

const HOUR_MS = 3_600_000;

/**
 * Hourly inventory snapshots for chargeback: at the first realtime cycle of each hour, one shard per
 * group index held, with every VM (powered off and templates included) and host of that group. A
 * failed post is tried again at the next cycle of the same hour; the controller makes retries
 * idempotent.
 */
export class InventorySnapshots {
  private readonly logger = new Logger('InventorySnapshots');
  private postedHour = -1;

  constructor(private readonly controller: ControllerClient) {}

  async maybePost(boundaryMs: number, assignment: Assignment, session: VcenterSession): Promise<void> {
    const hour = Math.floor(boundaryMs / HOUR_MS);
    if (hour === this.postedHour) return;
    try {
      const inventory = await session.inventory(assignment.epoch);
      const snapshotTime = new Date(hour * HOUR_MS).toISOString();
      for (const groupIndex of assignment.groupIndices) {
        const vms = inventory.vms.filter((vm) => shardOf(vm.moref, assignment.groupCount) === groupIndex);
        const hosts = inventory.hosts.filter(
          (host) => shardOf(host.moref, assignment.groupCount) === groupIndex,
        );
        await this.controller.postSnapshotShard({
          vcenter: assignment.vcenter.id,
          snapshotTime,
          epoch: assignment.epoch,
          groupIndex,
          groupCount: assignment.groupCount,
          vms,
          hosts,
        });
        this.logger.log(
          `inventory snapshot ${snapshotTime}, group ${groupIndex}/${assignment.groupCount}: ${vms.length} VMs, ${hosts.length} hosts`,
        );
      }
      this.postedHour = hour;
    } catch (error) {
      this.logger.warn(`inventory snapshot not posted, will retry next cycle: ${(error as Error).message}`);
    }
  }
}
