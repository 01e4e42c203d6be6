import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  registerDecorator,
} from 'class-validator';
import { FromDecimalString, IsInt32, IsTimestamp } from '@vcc/platform';
import {
  HOST_CONNECTION_STATES,
  HOST_POWER_STATES,
  VM_POWER_STATES,
  type HostConnectionState,
  type HostInventory,
  type HostPowerState,
  type SnapshotShard,
  type VmInventory,
  type VmPowerState,
} from '@vcc/contract';
import { Nullable, Optional } from '../common/nullable';

export const MAX_SHARD_ROWS = 200_000;

function IsHourBoundary(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isHourBoundary',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be a whole UTC hour, e.g. 2026-11-24T10:00:00Z' },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          Number.isFinite(Date.parse(value)) &&
          Date.parse(value) % 3_600_000 === 0,
      },
    });
}

/**
 * A VM row: exactly the fields of VmInventory (libs/contract); nullable fields must be present, but
 * for srmPlaceholder and cloudId, which collectors older than them leave out (false and null then).
 */
export class VmRowDto implements VmInventory {
  @ApiProperty({ example: 'vm-1234' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  moref: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  name: string;

  @ApiProperty({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(128)
  uuid: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(128)
  instanceUuid: string | null;

  @ApiProperty({ enum: VM_POWER_STATES })
  @IsIn(VM_POWER_STATES)
  powerState: VmPowerState;

  @ApiProperty()
  @IsBoolean()
  template: boolean;

  @ApiProperty()
  @IsInt32()
  @Min(0)
  @Max(1_000_000)
  vcpus: number;

  @ApiProperty()
  @IsInt32()
  @Min(0)
  @Max(2_000_000_000)
  memoryMb: number;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  provisionedDiskGb: number;

  @ApiProperty({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(128)
  hostMoref: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(1024)
  hostName: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(1024)
  clusterName: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(1024)
  datacenterName: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(1024)
  resourcePoolName: string | null;

  @ApiProperty({ description: 'folder path below the datacenter\'s vm folder; "" at the top' })
  @IsString()
  @MaxLength(4096)
  folderPath: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Nullable()
  @IsTimestamp()
  createdAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(256)
  guestOs: string | null;

  @ApiPropertyOptional({
    default: false,
    description: "Site Recovery Manager's placeholder for a VM it protects (config.managedBy)",
  })
  @Optional()
  @IsBoolean()
  srmPlaceholder: boolean = false;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    default: null,
    description: 'vCloud Director id (cloud.uuid) of a VM vCD manages',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  cloudId: string | null = null;
}

/** A host row: exactly the fields of HostInventory (libs/contract). */
export class HostRowDto implements HostInventory {
  @ApiProperty({ example: 'host-42' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  moref: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  name: string;

  @ApiProperty({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(1024)
  clusterName: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(1024)
  datacenterName: string | null;

  @ApiProperty()
  @IsInt32()
  @Min(0)
  @Max(1_000_000)
  cpuCores: number;

  @ApiProperty()
  @IsInt32()
  @Min(0)
  @Max(1024)
  cpuSockets: number;

  @ApiProperty()
  @IsInt32()
  @Min(0)
  @Max(1_000_000)
  cpuMhz: number;

  @ApiProperty()
  @IsInt32()
  @Min(0)
  @Max(2_000_000_000)
  memoryMb: number;

  @ApiProperty({ enum: HOST_CONNECTION_STATES })
  @IsIn(HOST_CONNECTION_STATES)
  connectionState: HostConnectionState;

  @ApiProperty({ enum: HOST_POWER_STATES })
  @IsIn(HOST_POWER_STATES)
  powerState: HostPowerState;

  @ApiProperty()
  @IsBoolean()
  inMaintenance: boolean;
}

/**
 * One group's part of an hourly inventory snapshot: the VMs and hosts whose
 * `hash(moref) mod groupCount == groupIndex`. A weight-k collector posts one shard per index.
 */
export class SnapshotShardDto implements SnapshotShard {
  @ApiProperty({ description: 'id or name of the vCenter' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  vcenter: string;

  @ApiProperty({
    format: 'date-time',
    example: '2026-11-24T10:00:00Z',
    description: 'the hour the snapshot is of',
  })
  @IsTimestamp()
  @IsHourBoundary()
  snapshotTime: string;

  @ApiProperty({ description: 'epoch of the assignment in force at snapshotTime' })
  @IsInt32()
  @Min(0)
  epoch: number;

  @ApiProperty()
  @IsInt32()
  @Min(0)
  groupIndex: number;

  @ApiProperty()
  @IsInt32()
  @Min(1)
  @Max(100_000)
  groupCount: number;

  @ApiProperty({ type: [VmRowDto] })
  @IsArray()
  @ArrayMaxSize(MAX_SHARD_ROWS)
  @Type(() => VmRowDto)
  @ValidateNested({ each: true })
  vms: VmRowDto[];

  @ApiProperty({ type: [HostRowDto] })
  @IsArray()
  @ArrayMaxSize(MAX_SHARD_ROWS)
  @Type(() => HostRowDto)
  @ValidateNested({ each: true })
  hosts: HostRowDto[];
}

export class ShardResultView {
  @ApiProperty({ format: 'uuid' })
  vcenterId: string;

  @ApiProperty({ format: 'date-time' })
  snapshotTime: string;

  @ApiProperty()
  epoch: number;

  @ApiProperty()
  groupIndex: number;

  @ApiProperty()
  vmRows: number;

  @ApiProperty()
  hostRows: number;

  @ApiProperty({ description: "groups of this shard's epoch that have reported" })
  groupsReported: number;

  @ApiProperty()
  groupCount: number;

  @ApiProperty({ description: 'every group of one epoch has reported' })
  complete: boolean;
}

export class ShardView {
  @ApiProperty()
  epoch: number;

  @ApiProperty()
  groupIndex: number;

  @ApiProperty()
  groupCount: number;

  @ApiProperty()
  vmCount: number;

  @ApiProperty()
  hostCount: number;

  @ApiProperty({ format: 'date-time' })
  receivedAt: string;
}

export class SnapshotView {
  @ApiProperty({ format: 'uuid' })
  vcenterId: string;

  @ApiProperty({ format: 'date-time' })
  snapshotTime: string;

  @ApiProperty()
  complete: boolean;

  @ApiProperty({ type: Number, nullable: true })
  completeEpoch: number | null;

  @ApiProperty({ type: Number, nullable: true })
  groupCount: number | null;

  @ApiProperty({ description: 'VM rows of the complete epoch, or of the best-reported one so far' })
  vmCount: number;

  @ApiProperty()
  hostCount: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt: string | null;

  @ApiProperty({ type: [ShardView] })
  shards: ShardView[];
}

export class SnapshotQueryDto {
  @ApiPropertyOptional({ description: 'id or name of a vCenter; all vCenters when left out' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  vcenter?: string;

  @ApiPropertyOptional({ default: 24, minimum: 1, maximum: 1000, description: 'newest snapshots first' })
  @IsOptional()
  @FromDecimalString()
  @IsInt32()
  @Min(1)
  @Max(1000)
  limit?: number;
}
