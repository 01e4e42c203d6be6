import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { VmInventory, VmPowerState } from '@vcc/contract';

/**
 * A VM in an hourly inventory snapshot (monthly partitions by snapshot time): a VmInventory row,
 * with config.createDate kept as `vmCreatedAt`, a timestamptz.
 */
@Entity({ name: 'inventory_vm' })
export class InventoryVmEntity implements Omit<VmInventory, 'createdAt'> {
  @PrimaryColumn({ name: 'vcenter_id', type: 'uuid' })
  vcenterId: string;

  @PrimaryColumn({ name: 'snapshot_time', type: 'timestamptz' })
  snapshotTime: Date;

  @PrimaryColumn({ type: 'text' })
  moref: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  uuid: string | null;

  @Column({ name: 'instance_uuid', type: 'text', nullable: true })
  instanceUuid: string | null;

  @Column({ name: 'power_state', type: 'text' })
  powerState: VmPowerState;

  @Column({ type: 'boolean' })
  template: boolean;

  @Column({ type: 'integer' })
  vcpus: number;

  @Column({ name: 'memory_mb', type: 'integer' })
  memoryMb: number;

  @Column({ name: 'provisioned_disk_gb', type: 'double precision' })
  provisionedDiskGb: number;

  @Column({ name: 'host_moref', type: 'text', nullable: true })
  hostMoref: string | null;

  @Column({ name: 'host_name', type: 'text', nullable: true })
  hostName: string | null;

  @Column({ name: 'cluster_name', type: 'text', nullable: true })
  clusterName: string | null;

  @Column({ name: 'datacenter_name', type: 'text', nullable: true })
  datacenterName: string | null;

  @Column({ name: 'resource_pool_name', type: 'text', nullable: true })
  resourcePoolName: string | null;

  @Column({ name: 'folder_path', type: 'text' })
  folderPath: string;

  /** The VM's createDate in vCenter (not when the row was written). */
  @Column({ name: 'vm_created_at', type: 'timestamptz', nullable: true })
  vmCreatedAt: Date | null;

  @Column({ name: 'guest_os', type: 'text', nullable: true })
  guestOs: string | null;

  /**
   * Key of the VmCreatedEvent (or its kin) that created the VM, when the events hold it; the
   * controller fills it from vcenter_event (VmLifecycle in libs/contract).
   */
  @Column({ name: 'creation_event_key', type: 'integer', nullable: true })
  creationEventKey: number | null;

  /** When vCenter removed the VM, on its row of the hour the removal falls in (VmLifecycle). */
  @Column({ name: 'deletion_time', type: 'timestamptz', nullable: true })
  deletionTime: Date | null;

  /** Site Recovery Manager's placeholder for a protected VM (config.managedBy). */
  @Column({ name: 'srm_placeholder', type: 'boolean' })
  srmPlaceholder: boolean;

  /** The vCloud Director id of a VM vCD manages. */
  @Column({ name: 'cloud_id', type: 'text', nullable: true })
  cloudId: string | null;

  @Column({ type: 'integer' })
  epoch: number;

  @Column({ name: 'group_index', type: 'integer' })
  groupIndex: number;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
