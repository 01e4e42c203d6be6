import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InventorySnapshotEntity, InventorySnapshotShardEntity } from '@vcc/database';
import type { HostInventory, VmInventory } from '@vcc/contract';
import { fillShardFromEvents, lockVmLifecycle } from './vm-lifecycle';

export interface Shard {
  vcenterId: string;
  snapshotTime: Date;
  epoch: number;
  groupIndex: number;
  groupCount: number;
  vms: VmInventory[];
  hosts: HostInventory[];
}

export interface ShardOutcome {
  groupsReported: number;
  complete: boolean;
}

@Injectable()
export class SnapshotRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores a shard and updates the snapshot registry in one transaction. Rows are upserted by
   * (vCenter, snapshot time, moref), so a retried shard leaves the same rows. The registry row is
   * locked first: shards of one snapshot arriving together are counted one after the other, so the
   * last one always sees the others and marks the snapshot complete. VM rows take their creation
   * event key and deletion time from the events stored so far (vm-lifecycle.ts).
   */
  async storeShard(shard: Shard): Promise<ShardOutcome> {
    return this.dataSource.transaction(async (manager) => {
      await lockVmLifecycle(manager, shard.vcenterId);
      const key = [shard.vcenterId, shard.snapshotTime];
      await manager.query(
        `INSERT INTO inventory_snapshot (vcenter_id, snapshot_time) VALUES ($1, $2)
         ON CONFLICT (vcenter_id, snapshot_time) DO UPDATE SET last_received_at = now()`,
        key,
      );
      await manager.query(
        `INSERT INTO inventory_snapshot_shard (vcenter_id, snapshot_time, epoch, group_index, group_count, vm_count, host_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (vcenter_id, snapshot_time, epoch, group_index) DO UPDATE
           SET group_count = excluded.group_count, vm_count = excluded.vm_count,
               host_count = excluded.host_count, received_at = now()`,
        [...key, shard.epoch, shard.groupIndex, shard.groupCount, shard.vms.length, shard.hosts.length],
      );
      const origin = [...key, shard.epoch, shard.groupIndex];
      if (shard.vms.length) {
        const vms = shard.vms;
        await manager.query(
          `INSERT INTO inventory_vm (vcenter_id, snapshot_time, epoch, group_index, moref, name, uuid, instance_uuid,
             power_state, template, vcpus, memory_mb, provisioned_disk_gb, host_moref, host_name, cluster_name,
             datacenter_name, resource_pool_name, folder_path, vm_created_at, guest_os, srm_placeholder, cloud_id)
           SELECT $1, $2, $3, $4, * FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
             $10::boolean[], $11::integer[], $12::integer[], $13::double precision[], $14::text[], $15::text[],
             $16::text[], $17::text[], $18::text[], $19::text[], $20::timestamptz[], $21::text[], $22::boolean[],
             $23::text[])
           ON CONFLICT (vcenter_id, snapshot_time, moref) DO UPDATE SET
             epoch = excluded.epoch, group_index = excluded.group_index, name = excluded.name, uuid = excluded.uuid,
             instance_uuid = excluded.instance_uuid, power_state = excluded.power_state, template = excluded.template,
             vcpus = excluded.vcpus, memory_mb = excluded.memory_mb, provisioned_disk_gb = excluded.provisioned_disk_gb,
             host_moref = excluded.host_moref, host_name = excluded.host_name, cluster_name = excluded.cluster_name,
             datacenter_name = excluded.datacenter_name, resource_pool_name = excluded.resource_pool_name,
             folder_path = excluded.folder_path, vm_created_at = excluded.vm_created_at, guest_os = excluded.guest_os,
             srm_placeholder = excluded.srm_placeholder, cloud_id = excluded.cloud_id, received_at = now()`,
          [
            ...origin,
            vms.map((v) => v.moref),
            vms.map((v) => v.name),
            vms.map((v) => v.uuid),
            vms.map((v) => v.instanceUuid),
            vms.map((v) => v.powerState),
            vms.map((v) => v.template),
            vms.map((v) => v.vcpus),
            vms.map((v) => v.memoryMb),
            vms.map((v) => v.provisionedDiskGb),
            vms.map((v) => v.hostMoref),
            vms.map((v) => v.hostName),
            vms.map((v) => v.clusterName),
            vms.map((v) => v.datacenterName),
            vms.map((v) => v.resourcePoolName),
            vms.map((v) => v.folderPath),
            vms.map((v) => v.createdAt),
            vms.map((v) => v.guestOs),
            vms.map((v) => v.srmPlaceholder),
            vms.map((v) => v.cloudId),
          ],
        );
        await fillShardFromEvents(
          manager,
          shard.vcenterId,
          shard.snapshotTime,
          vms.map((v) => v.moref),
        );
      }
      if (shard.hosts.length) {
        const hosts = shard.hosts;
        await manager.query(
          `INSERT INTO inventory_host (vcenter_id, snapshot_time, epoch, group_index, moref, name, cluster_name,
             datacenter_name, cpu_cores, cpu_sockets, cpu_mhz, memory_mb, connection_state, power_state, in_maintenance)
           SELECT $1, $2, $3, $4, * FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::integer[],
             $10::integer[], $11::integer[], $12::integer[], $13::text[], $14::text[], $15::boolean[])
           ON CONFLICT (vcenter_id, snapshot_time, moref) DO UPDATE SET
             epoch = excluded.epoch, group_index = excluded.group_index, name = excluded.name,
             cluster_name = excluded.cluster_name, datacenter_name = excluded.datacenter_name,
             cpu_cores = excluded.cpu_cores, cpu_sockets = excluded.cpu_sockets, cpu_mhz = excluded.cpu_mhz,
             memory_mb = excluded.memory_mb, connection_state = excluded.connection_state,
             power_state = excluded.power_state, in_maintenance = excluded.in_maintenance, received_at = now()`,
          [
            ...origin,
            hosts.map((h) => h.moref),
            hosts.map((h) => h.name),
            hosts.map((h) => h.clusterName),
            hosts.map((h) => h.datacenterName),
            hosts.map((h) => h.cpuCores),
            hosts.map((h) => h.cpuSockets),
            hosts.map((h) => h.cpuMhz),
            hosts.map((h) => h.memoryMb),
            hosts.map((h) => h.connectionState),
            hosts.map((h) => h.powerState),
            hosts.map((h) => h.inMaintenance),
          ],
        );
      }
      // Per (epoch, group count): how many groups reported. The latest complete epoch, else the
      // best-reported one, describes the snapshot.
      const [best] = (await manager.query(
        `SELECT epoch, group_count, count(*)::int AS reported, sum(vm_count)::int AS vms, sum(host_count)::int AS hosts
           FROM inventory_snapshot_shard WHERE vcenter_id = $1 AND snapshot_time = $2
          GROUP BY epoch, group_count
          ORDER BY count(*) = group_count DESC, epoch DESC, count(*) DESC LIMIT 1`,
        key,
      )) as { epoch: number; group_count: number; reported: number; vms: number; hosts: number }[];
      const complete = best.reported === best.group_count;
      await manager.query(
        `UPDATE inventory_snapshot
            SET complete = $3, complete_epoch = CASE WHEN $3 THEN $4::int END, group_count = $5, vm_count = $6,
                host_count = $7, completed_at = CASE WHEN $3 THEN coalesce(completed_at, now()) END
          WHERE vcenter_id = $1 AND snapshot_time = $2`,
        [...key, complete, best.epoch, best.group_count, best.vms, best.hosts],
      );
      const [own] = (await manager.query(
        `SELECT count(*)::int AS reported FROM inventory_snapshot_shard
          WHERE vcenter_id = $1 AND snapshot_time = $2 AND epoch = $3 AND group_count = $4`,
        [...key, shard.epoch, shard.groupCount],
      )) as { reported: number }[];
      return { groupsReported: own.reported, complete: own.reported === shard.groupCount };
    });
  }

  async listSnapshots(
    vcenterId: string | undefined,
    limit: number,
  ): Promise<{ snapshot: InventorySnapshotEntity; shards: InventorySnapshotShardEntity[] }[]> {
    const snapshots = await this.dataSource.getRepository(InventorySnapshotEntity).find({
      where: vcenterId ? { vcenterId } : {},
      order: { snapshotTime: 'DESC', vcenterId: 'ASC' },
      take: limit,
    });
    const shards = snapshots.length
      ? await this.dataSource.getRepository(InventorySnapshotShardEntity).find({
          where: snapshots.map((s) => ({ vcenterId: s.vcenterId, snapshotTime: s.snapshotTime })),
          order: { epoch: 'ASC', groupIndex: 'ASC' },
        })
      : [];
    return snapshots.map((snapshot) => ({
      snapshot,
      shards: shards.filter(
        (s) =>
          s.vcenterId === snapshot.vcenterId && s.snapshotTime.getTime() === snapshot.snapshotTime.getTime(),
      ),
    }));
  }
}
