import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

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

  @Column({ name: 'tls_insecure', type: 'boolean', default: false })
  tlsInsecure: boolean;

  @Column({ name: 'tls_ca_file', type: 'text', nullable: true })
  tlsCaFile: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
