import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { VcenterCounters } from '@vcc/contract';

/** A vCenter the cluster collects from. The password is stored encrypted (`enc:v1:` AES-256-GCM). */
@Entity({ name: 'vcenter' })
export class VcenterEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  name: string;

  @Column({ name: 'sdk_url', type: 'text' })
  sdkUrl: string;

  @Column({ type: 'text' })
  username: string;

  @Column({ name: 'password_enc', type: 'text' })
  passwordEnc: string;

  /** Bumped with every change of username or password, so collectors know to fetch them again. */
  @Column({ name: 'credential_version', type: 'integer', default: 1 })
  credentialVersion: number;

  @Column({ name: 'tls_insecure', type: 'boolean', default: false })
  tlsInsecure: boolean;

  @Column({ name: 'tls_ca_file', type: 'text', nullable: true })
  tlsCaFile: string | null;

  /** A disabled vCenter is paused: its members keep their indices but are given no work. */
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'realtime_interval_seconds', type: 'integer', default: 60 })
  realtimeIntervalSeconds: number;

  @Column({ name: 'historical_interval_seconds', type: 'integer', default: 300 })
  historicalIntervalSeconds: number;

  @Column({ type: 'jsonb' })
  counters: VcenterCounters;

  @Column({ name: 'include_filters', type: 'text', array: true, default: '{}' })
  includeFilters: string[];

  @Column({ name: 'exclude_filters', type: 'text', array: true, default: '{}' })
  excludeFilters: string[];

  /** In-flight vCenter requests allowed across the whole cluster, shared among the members. */
  @Column({ name: 'request_budget', type: 'integer', default: 8 })
  requestBudget: number;

  /** Bumped once per change of the group assignment. */
  @Column({ type: 'integer', default: 0 })
  epoch: number;

  /** The cycle boundary from which the current epoch applies. */
  @Column({ name: 'epoch_effective_from', type: 'timestamptz', nullable: true })
  epochEffectiveFrom: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
