import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One hourly inventory snapshot of a vCenter; complete once every group of one epoch reported. */
@Entity({ name: 'inventory_snapshot' })
export class InventorySnapshotEntity {
  @PrimaryColumn({ name: 'vcenter_id', type: 'uuid' })
  vcenterId: string;

  @PrimaryColumn({ name: 'snapshot_time', type: 'timestamptz' })
  snapshotTime: Date;

  @Column({ type: 'boolean' })
  complete: boolean;

  @Column({ name: 'complete_epoch', type: 'integer', nullable: true })
  completeEpoch: number | null;

  @Column({ name: 'group_count', type: 'integer', nullable: true })
  groupCount: number | null;

  @Column({ name: 'vm_count', type: 'integer' })
  vmCount: number;

  @Column({ name: 'host_count', type: 'integer' })
  hostCount: number;

  @Column({ name: 'first_received_at', type: 'timestamptz' })
  firstReceivedAt: Date;

  @Column({ name: 'last_received_at', type: 'timestamptz' })
  lastReceivedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}

/** One group's part of a snapshot, as one collector posted it. */
@Entity({ name: 'inventory_snapshot_shard' })
export class InventorySnapshotShardEntity {
  @PrimaryColumn({ name: 'vcenter_id', type: 'uuid' })
  vcenterId: string;

  @PrimaryColumn({ name: 'snapshot_time', type: 'timestamptz' })
  snapshotTime: Date;

  @PrimaryColumn({ type: 'integer' })
  epoch: number;

  @PrimaryColumn({ name: 'group_index', type: 'integer' })
  groupIndex: number;

  @Column({ name: 'group_count', type: 'integer' })
  groupCount: number;

  @Column({ name: 'vm_count', type: 'integer' })
  vmCount: number;

  @Column({ name: 'host_count', type: 'integer' })
  hostCount: number;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
