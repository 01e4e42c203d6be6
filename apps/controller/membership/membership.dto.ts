import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import type {
  AssignmentResponse as AssignmentResponseContract,
  AssignmentView as AssignmentViewContract,
  CycleStats,
  GroupWatermark,
  HeartbeatRequest,
  RegisterRequest,
  RegistrationResponse as RegistrationResponseContract,
  VcenterConnectionView as VcenterConnectionViewContract,
  VcenterCredentials,
} from '@vcc/contract';
import { IsInt32, IsTimestamp } from '@vcc/platform';
import { CountersView, FiltersView, TlsOptionsView } from '../vcenters/vcenter.dto';

export const MAX_WEIGHT = 64;

export class RegisterDto implements RegisterRequest {
  @ApiProperty({
    example: 'collector-01',
    description:
      'stable name of the collector host; a live name is held by the instance that registered it until its lease expires',
  })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
    message:
      'name must be 1 to 128 letters, digits, dots, dashes or underscores, starting with a letter or digit',
  })
  name: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'random id the collector process draws at start: the same instance may register again under its live name, another one gets 409 until that lease expires. Without it every registration counts as a new instance',
  })
  @IsOptional()
  @IsUUID()
  instanceId?: string;

  @ApiProperty({ example: '0.1.0' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  version: string;

  @ApiPropertyOptional({
    default: 1,
    minimum: 1,
    maximum: MAX_WEIGHT,
    description: 'capacity hint: the group indices (weight) the collector asks for; admins can change it',
  })
  @IsOptional()
  @IsInt32()
  @Min(1)
  @Max(MAX_WEIGHT)
  capacity?: number;

  @ApiPropertyOptional({ description: 'id or name of the vCenter the collector prefers' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  preferredVcenter?: string;
}

export class GroupWatermarkDto implements GroupWatermark {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  vcenterId: string;

  @ApiProperty({ description: 'the group count of the assignment the collector held' })
  @IsInt32()
  @Min(1)
  groupCount: number;

  @ApiProperty({ description: 'one of the group indices it held' })
  @IsInt32()
  @Min(0)
  groupIndex: number;

  @ApiProperty({
    format: 'date-time',
    description: "every realtime sample of the group's entities is written up to this time",
  })
  @IsTimestamp()
  writtenUpTo: string;
}

export class CycleStatsDto implements CycleStats {
  @ApiProperty({ format: 'date-time', description: 'boundary at which the reported cycle started' })
  @IsTimestamp()
  cycleStart: string;

  @ApiProperty({ description: 'entities whose group index the collector held in that cycle' })
  @IsInt32()
  @Min(0)
  entitiesAssigned: number;

  @ApiProperty({ description: 'entities it collected samples for' })
  @IsInt32()
  @Min(0)
  entitiesCollected: number;

  @ApiProperty({ description: 'points written to the sink' })
  @IsInt()
  @Min(0)
  points: number;

  @ApiProperty()
  @IsInt32()
  @Min(0)
  durationMs: number;

  @ApiProperty({ description: 'failed vCenter or sink requests' })
  @IsInt32()
  @Min(0)
  errors: number;

  @ApiPropertyOptional({
    type: [GroupWatermarkDto],
    maxItems: 2 * MAX_WEIGHT,
    description:
      'realtime watermarks of the groups held in that cycle; kept only for groups the collector holds now or until the next boundary',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2 * MAX_WEIGHT)
  @Type(() => GroupWatermarkDto)
  @ValidateNested({ each: true })
  watermarks?: GroupWatermarkDto[];
}

export class HeartbeatDto implements HeartbeatRequest {
  @ApiPropertyOptional({ type: CycleStatsDto, description: 'the last finished cycle, once there is one' })
  @IsOptional()
  @Type(() => CycleStatsDto)
  @ValidateNested()
  // ValidateNested alone takes an array of such objects too.
  @IsObject()
  stats?: CycleStatsDto;
}

/** A vCenter as its collectors see it: where and what to collect, not how to log in. */
export class VcenterConnectionView implements VcenterConnectionViewContract {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  sdkUrl: string;

  @ApiProperty({ type: TlsOptionsView })
  tls: TlsOptionsView;

  @ApiProperty({ type: CountersView })
  counters: CountersView;

  @ApiProperty({ type: FiltersView })
  filters: FiltersView;

  @ApiProperty({
    description:
      'bumped with every change of the user name or password: fetch GET /api/v1/collectors/{id}/credentials/{vcenterId} when it differs from the version held',
  })
  credentialVersion: number;
}

/** The one answer carrying a vCenter password, to a collector holding group indices on it. */
export class CredentialsView implements VcenterCredentials {
  @ApiProperty({ format: 'uuid' })
  vcenterId: string;

  @ApiProperty()
  credentialVersion: number;

  @ApiProperty()
  username: string;

  @ApiProperty()
  password: string;
}

/** `:id/credentials/:vcenterId` path parameters. */
export class CredentialsParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  vcenterId: string;
}

/**
 * What a collector does from `effectiveFrom`: keep the entities of `vcenter` whose
 * `hash(moref) mod groupCount` is one of `groupIndices`.
 */
export class AssignmentView implements AssignmentViewContract {
  @ApiProperty({ description: "the vCenter's epoch this assignment belongs to" })
  epoch: number;

  @ApiProperty({
    format: 'date-time',
    description:
      'cycle boundary (a multiple of realtimeIntervalSeconds since the Unix epoch) from which it applies',
  })
  effectiveFrom: string;

  @ApiProperty({
    type: [Number],
    description: 'every group index held; a weight-k collector holds k (none when drained or paused)',
  })
  groupIndices: number[];

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'the first of groupIndices, for the usual weight of 1',
  })
  groupIndex: number | null;

  @ApiProperty({ description: "group indices of the vCenter in all (the sum of its members' weights)" })
  groupCount: number;

  @ApiProperty({ description: 'the vCenter is paused: collect nothing' })
  paused: boolean;

  @ApiProperty({ description: "this collector's share of the vCenter's in-flight request budget" })
  requestBudget: number;

  @ApiProperty()
  realtimeIntervalSeconds: number;

  @ApiProperty()
  historicalIntervalSeconds: number;

  @ApiProperty({ type: VcenterConnectionView })
  vcenter: VcenterConnectionView;

  @ApiProperty({
    type: [GroupWatermarkDto],
    description:
      "the vCenter's realtime watermarks per group (of any group count): an entity new to this collector is backfilled from the newest mark of a group it falls in, when that is older than the usual takeover start",
  })
  watermarks: GroupWatermarkDto[];
}

/** The answer to heartbeat: the assignment collectors follow. */
export class AssignmentResponse implements AssignmentResponseContract {
  @ApiProperty({ format: 'uuid' })
  collectorId: string;

  @ApiProperty({ enum: ['active', 'draining'] })
  state: 'active' | 'draining';

  @ApiProperty({
    format: 'date-time',
    description: "the controller's clock (the database's), to spot clock skew",
  })
  serverTime: string;

  @ApiProperty({ description: 'the lease expires this long after the last heartbeat' })
  leaseTtlSeconds: number;

  @ApiProperty({ description: 'heartbeat this often' })
  heartbeatIntervalSeconds: number;

  @ApiProperty({
    type: AssignmentView,
    nullable: true,
    description:
      'the latest assignment, in force from its effectiveFrom; null while there is no vCenter to place the collector on',
  })
  assignment: AssignmentView | null;

  @ApiProperty({
    type: AssignmentView,
    nullable: true,
    description:
      'the assignment in force until assignment.effectiveFrom; null once that has passed or when the collector held nothing before',
  })
  previous: AssignmentView | null;
}

export class RegistrationResponse extends AssignmentResponse implements RegistrationResponseContract {
  @ApiProperty({
    description:
      "this collector's secret, returned once: send it in the X-Collector-Secret header of its heartbeat, credentials and deregistration calls",
  })
  secret: string;
}

export class CycleStatsView {
  @ApiProperty({ format: 'date-time' })
  cycleStart: string;

  @ApiProperty()
  entitiesAssigned: number;

  @ApiProperty()
  entitiesCollected: number;

  @ApiProperty()
  points: number;

  @ApiProperty()
  durationMs: number;

  @ApiProperty()
  errors: number;
}

/** A collector's assignment without credentials, for admins. */
export class AssignmentSummaryView {
  @ApiProperty({ format: 'uuid' })
  vcenterId: string;

  @ApiProperty()
  epoch: number;

  @ApiProperty({ format: 'date-time' })
  effectiveFrom: string;

  @ApiProperty({ type: [Number] })
  groupIndices: number[];

  @ApiProperty()
  groupCount: number;

  @ApiProperty()
  paused: boolean;

  @ApiProperty()
  requestBudget: number;
}

export class CollectorView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  version: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  instanceId: string | null;

  @ApiProperty({ type: String, nullable: true })
  address: string | null;

  @ApiProperty({ enum: ['active', 'draining', 'gone'] })
  state: string;

  @ApiProperty({ type: String, nullable: true, enum: ['deregistered', 'drained', 'expired', 'replaced'] })
  goneReason: string | null;

  @ApiProperty()
  weight: number;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  vcenterId: string | null;

  @ApiProperty({ type: [Number], description: "indices held in the vCenter's current epoch" })
  groupIndices: number[];

  @ApiProperty({ format: 'date-time' })
  registeredAt: string;

  @ApiProperty({ format: 'date-time' })
  lastHeartbeatAt: string;

  @ApiProperty({ format: 'date-time' })
  leaseExpiresAt: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when a draining collector is deregistered',
  })
  drainAt: string | null;

  @ApiProperty({ type: AssignmentSummaryView, nullable: true })
  assignment: AssignmentSummaryView | null;

  @ApiProperty({ type: CycleStatsView, nullable: true })
  lastCycle: CycleStatsView | null;
}
