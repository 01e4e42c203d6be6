import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A vCenter event as a collector read it (monthly partitions by the event's created time). */
@Entity({ name: 'vcenter_event' })
export class VcenterEventEntity {
  @PrimaryColumn({ name: 'vcenter_id', type: 'uuid' })
  vcenterId: string;

  @PrimaryColumn({ name: 'created_time', type: 'timestamptz' })
  createdTime: Date;

  /** vCenter's event key, increasing per vCenter. */
  @PrimaryColumn({ name: 'event_key', type: 'integer' })
  eventKey: number;

  @Column({ name: 'chain_id', type: 'integer' })
  chainId: number;

  /** The event's vim25 type, e.g. VmPoweredOffEvent. */
  @Column({ type: 'text' })
  type: string;

  @Column({ name: 'user_name', type: 'text', nullable: true })
  userName: string | null;

  @Column({ name: 'full_message', type: 'text', nullable: true })
  fullMessage: string | null;

  @Column({ name: 'datacenter_moref', type: 'text', nullable: true })
  datacenterMoref: string | null;

  @Column({ name: 'datacenter_name', type: 'text', nullable: true })
  datacenterName: string | null;

  @Column({ name: 'cluster_moref', type: 'text', nullable: true })
  clusterMoref: string | null;

  @Column({ name: 'cluster_name', type: 'text', nullable: true })
  clusterName: string | null;

  @Column({ name: 'host_moref', type: 'text', nullable: true })
  hostMoref: string | null;

  @Column({ name: 'host_name', type: 'text', nullable: true })
  hostName: string | null;

  @Column({ name: 'vm_moref', type: 'text', nullable: true })
  vmMoref: string | null;

  @Column({ name: 'vm_name', type: 'text', nullable: true })
  vmName: string | null;

  /** The event type's own properties that have no column. */
  @Column({ type: 'jsonb' })
  fields: Record<string, unknown>;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
