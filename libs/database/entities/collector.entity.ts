import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AssignmentTerms } from '@vcc/contract';

export type CollectorState = 'active' | 'draining' | 'gone';
export type CollectorGoneReason = 'deregistered' | 'drained' | 'expired' | 'replaced';

/** An assignment as stored with the collector it was given to. */
export type StoredAssignment = AssignmentTerms;

const bigintAsNumber = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** A registered collector: its lease, weight, group indices and the assignments it was given. */
@Entity({ name: 'collector' })
export class CollectorEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  version: string;

  /** The random id the collector process drew at start; null when it sent none. */
  @Column({ name: 'instance_id', type: 'text', nullable: true })
  instanceId: string | null;

  /** SHA-256 (hex) of the secret handed out at registration; the collector proves its id with the secret. */
  @Column({ name: 'secret_hash', type: 'text', nullable: true })
  secretHash: string | null;

  /** Client address the registration came from. */
  @Column({ type: 'text', nullable: true })
  address: string | null;

  /** The capacity hint given at registration (the initial weight). */
  @Column({ type: 'integer' })
  capacity: number;

  /** Group indices the collector holds: a weight-k collector holds k. */
  @Column({ type: 'integer' })
  weight: number;

  @Column({ type: 'text' })
  state: CollectorState;

  @Column({ name: 'gone_reason', type: 'text', nullable: true })
  goneReason: CollectorGoneReason | null;

  @Column({ name: 'vcenter_id', type: 'uuid', nullable: true })
  vcenterId: string | null;

  /** Indices held in the vCenter's current epoch (kept while the vCenter is paused). */
  @Column({ name: 'group_indices', type: 'integer', array: true, default: '{}' })
  groupIndices: number[];

  /** The latest assignment given to the collector. */
  @Column({ type: 'jsonb', nullable: true })
  assignment: StoredAssignment | null;

  /** The assignment in force until `assignment.effectiveFrom`. */
  @Column({ name: 'previous_assignment', type: 'jsonb', nullable: true })
  previousAssignment: StoredAssignment | null;

  /** When a draining collector's last work ends and it is deregistered. */
  @Column({ name: 'drain_at', type: 'timestamptz', nullable: true })
  drainAt: Date | null;

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt: Date;

  @Column({ name: 'last_heartbeat_at', type: 'timestamptz' })
  lastHeartbeatAt: Date;

  @Column({ name: 'lease_expires_at', type: 'timestamptz' })
  leaseExpiresAt: Date;

  @Column({ name: 'gone_at', type: 'timestamptz', nullable: true })
  goneAt: Date | null;

  // Last-cycle statistics from the latest heartbeat that carried them.
  @Column({ name: 'cycle_start', type: 'timestamptz', nullable: true })
  cycleStart: Date | null;

  @Column({ name: 'entities_assigned', type: 'integer', nullable: true })
  entitiesAssigned: number | null;

  @Column({ name: 'entities_collected', type: 'integer', nullable: true })
  entitiesCollected: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  points: number | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null;

  @Column({ type: 'integer', nullable: true })
  errors: number | null;
}
