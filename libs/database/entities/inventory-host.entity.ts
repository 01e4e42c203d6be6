import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { HostConnectionState, HostInventory, HostPowerState } from '@vcc/contract';

/** An ESXi host in an hourly inventory snapshot (monthly partitions by snapshot time). */
@Entity({ name: 'inventory_host' })
export class InventoryHostEntity implements HostInventory {
  @PrimaryColumn({ name: 'vcenter_id', type: 'uuid' })
  vcenterId: string;

  @PrimaryColumn({ name: 'snapshot_time', type: 'timestamptz' })
  snapshotTime: Date;

  @PrimaryColumn({ type: 'text' })
  moref: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'cluster_name', type: 'text', nullable: true })
  clusterName: string | null;

  @Column({ name: 'datacenter_name', type: 'text', nullable: true })
  datacenterName: string | null;

  @Column({ name: 'cpu_cores', type: 'integer' })
  cpuCores: number;

  @Column({ name: 'cpu_sockets', type: 'integer' })
  cpuSockets: number;

  @Column({ name: 'cpu_mhz', type: 'integer' })
  cpuMhz: number;

  @Column({ name: 'memory_mb', type: 'integer' })
  memoryMb: number;

  @Column({ name: 'connection_state', type: 'text' })
  connectionState: HostConnectionState;

  @Column({ name: 'power_state', type: 'text' })
  powerState: HostPowerState;

  @Column({ name: 'in_maintenance', type: 'boolean' })
  inMaintenance: boolean;

  @Column({ type: 'integer' })
  epoch: number;

  @Column({ name: 'group_index', type: 'integer' })
  groupIndex: number;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
